"""A person turns reminders off (and on again) on their account page; the reminder pass then
leaves them out, and the emails that ask them to act still reach them."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from httpx import AsyncClient

from app.audit.tables import AuditRecord
from app.notifications import reminders
from tests.certificates.support import issued_certificate
from tests.factories import csrf_token, make_user, web_sign_in
from tests.notifications.support import outbox


async def test_a_lead_turns_reminders_off_from_their_account_page(client: AsyncClient) -> None:
    org, _, certificate = await issued_certificate()
    lead = await make_user("dept_lead", org)
    await web_sign_in(client, lead)
    account = BeautifulSoup((await client.get("/account")).text, "html.parser")
    link = account.find("a", string="Reminders by email")
    assert link is not None and link["href"] == "/account/reminders"
    page = BeautifulSoup((await client.get("/account/reminders")).text, "html.parser")
    assert page.select_one("input[name=reminders][value=on]").has_attr("checked")

    token = await csrf_token(client)
    blank = await client.post("/account/reminders", data={"_csrf_token": token})
    assert blank.status_code == 400
    summary = BeautifulSoup(blank.text, "html.parser").select_one(".govuk-error-summary")
    assert summary is not None and "Select whether you want reminders" in summary.get_text()

    off = await client.post("/account/reminders", data={"_csrf_token": token, "reminders": "off"})
    assert off.status_code == 303
    saved = BeautifulSoup((await client.get(off.headers["location"])).text, "html.parser")
    assert "You will not get reminders by email." in saved.get_text()
    assert saved.select_one("input[name=reminders][value=off]").has_attr("checked")
    audit = await AuditRecord.select(AuditRecord.action, AuditRecord.after).where(
        AuditRecord.action == "user.reminders"
    )
    assert len(audit) == 1

    expires = dt.date.fromisoformat(certificate["expires_on"])
    await reminders.run(today=expires - dt.timedelta(days=60))
    assert lead["email"] not in [r["recipient"] for r in await outbox()]

    on = await client.post("/account/reminders", data={"_csrf_token": token, "reminders": "on"})
    assert on.status_code == 303
    await reminders.run(today=expires - dt.timedelta(days=59))
    assert [r["recipient"] for r in await outbox()].count(lead["email"]) == 1
