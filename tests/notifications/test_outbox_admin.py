"""Administrators see the outbox (page and API), newest first and paged, and retry a failed
email, with an audit record; nobody else sees it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup
from httpx import AsyncClient

from app.audit.tables import AuditRecord
from app.notifications.sending import send_due
from app.notifications.service import PER_PAGE
from app.notifications.tables import Notification
from app.settings import Settings
from tests.factories import bearer, csrf_token, make_user, web_sign_in
from tests.notifications.support import Inbox, outbox, smtp_server, smtp_settings
from tests.notifications.test_smtp import submitted_and_assigned

API = "/api/v1/notifications"


async def one_failed(client: AsyncClient, settings: Settings) -> dict[str, Any]:
    await submitted_and_assigned(client)
    with smtp_server(Inbox(answers=["550 5.1.1 No such mailbox"])) as (_, port):
        await send_due(smtp_settings(settings, f"smtp://127.0.0.1:{port}"))
    (failed,) = [r for r in await outbox() if r["state"] == "failed"]
    return failed


async def test_the_api_lists_the_outbox_newest_first_for_admins_only(
    client: AsyncClient, settings: Settings
) -> None:
    failed = await one_failed(client, settings)
    admin = await make_user("admin")
    listed = await client.get(API, headers=await bearer(admin))
    assert listed.status_code == 200, listed.text
    rows = listed.json()
    assert len(rows) == 3
    assert [r["created_at"] for r in rows] == sorted((r["created_at"] for r in rows), reverse=True)
    (shown,) = [r for r in rows if r["id"] == str(failed["id"])]
    assert shown == {
        "id": str(failed["id"]),
        "event": failed["event"],
        "recipient": failed["recipient"],
        "subject": failed["subject"],
        "state": "failed",
        "tries": 1,
        "last_error": "The mail server answered 550 5.1.1 No such mailbox",
        "next_attempt_at": None,
        "created_at": failed["created_at"].astimezone(dt.UTC).isoformat(),
        "sent_at": None,
    }
    assert {r["state"] for r in rows} == {"sent", "failed"}
    unknown = await client.get(f"{API}?state=bounced", headers=await bearer(admin))
    assert unknown.status_code == 422
    assert "pending, sent or failed, not 'bounced'" in unknown.json()["problems"]["state"]
    assert (
        await client.get(f"{API}?page={10**30}", headers=await bearer(admin))
    ).status_code == 400
    only_failed = await client.get(f"{API}?state=failed", headers=await bearer(admin))
    assert [r["id"] for r in only_failed.json()] == [str(failed["id"])]
    for role in ("lead_assessor", "dept_lead", "assessor", "publisher"):
        refused = await client.get(API, headers=await bearer(await make_user(role)))
        assert refused.status_code == 403, role
        retried = await client.post(
            f"{API}/{failed['id']}/retry", headers=await bearer(await make_user(role))
        )
        assert retried.status_code == 403, role


async def test_an_admin_retries_a_failed_email_and_it_is_sent(
    client: AsyncClient, settings: Settings
) -> None:
    failed = await one_failed(client, settings)
    admin = await make_user("admin")
    headers = await bearer(admin)
    retried = await client.post(f"{API}/{failed['id']}/retry", headers=headers)
    assert retried.status_code == 200, retried.text
    assert retried.json()["state"] == "pending" and retried.json()["tries"] == 0
    audit = await AuditRecord.select().where(AuditRecord.action == "notification.retry")
    assert [(a["object_id"], a["actor_label"]) for a in audit] == [
        (str(failed["id"]), admin["email"])
    ]
    again = await client.post(f"{API}/{failed['id']}/retry", headers=headers)
    assert again.status_code == 409
    assert "Only a failed notification can be retried" in again.json()["detail"]
    assert (await client.post(f"{API}/not-an-id/retry", headers=headers)).status_code == 404
    with smtp_server() as (inbox, port):
        assert (await send_due(smtp_settings(settings, f"smtp://127.0.0.1:{port}"))).sent == 1
    assert [m.rcpt_tos for m in inbox.received] == [[failed["recipient"]]]


async def test_the_outbox_page_shows_each_state_and_retries_by_its_button(
    client: AsyncClient, settings: Settings
) -> None:
    failed = await one_failed(client, settings)
    admin = await make_user("admin")
    await web_sign_in(client, admin)
    home = BeautifulSoup((await client.get("/", follow_redirects=True)).text, "html.parser")
    nav = home.find("a", href="/admin/notifications")
    assert nav is not None and nav.get_text().strip() == "Emails"
    page = BeautifulSoup((await client.get("/admin/notifications")).text, "html.parser")
    assert page.title is not None and page.title.text.strip().startswith("Emails")
    rows = page.select("table tbody tr")
    assert len(rows) == 3
    texts = [" ".join(r.get_text(" ").split()) for r in rows]
    (failed_row,) = [t for t in texts if "Failed" in t]
    assert failed["recipient"] in failed_row and "550 5.1.1 No such mailbox" in failed_row
    assert sum("Sent" in t for t in texts) == 2
    forms = page.select("table form")
    assert [f["action"] for f in forms] == [f"/admin/notifications/{failed['id']}/retry"]

    detail = await client.get(f"/admin/notifications/{failed['id']}")
    tries = BeautifulSoup(detail.text, "html.parser").select("table tbody tr")
    assert ["550" in r.get_text() for r in tries] == [True]

    token = await csrf_token(client)
    answer = await client.post(
        f"/admin/notifications/{failed['id']}/retry", data={"_csrf_token": token}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin/notifications?state=pending&retried=yes"
    pending = BeautifulSoup((await client.get(answer.headers["location"])).text, "html.parser")
    assert [failed["recipient"] in r.get_text() for r in pending.select("table tbody tr")] == [True]
    assert "pending again" in pending.get_text()

    lead = await make_user("lead_assessor")
    await web_sign_in(client, lead)
    assert (await client.get("/admin/notifications")).status_code == 403


async def test_the_outbox_page_is_paged(client: AsyncClient, settings: Settings) -> None:
    person = await make_user("lead_assessor")
    now = dt.datetime.now(dt.UTC)
    await Notification.insert(
        *[
            Notification(
                event="assessment_submitted",
                user=person["id"],
                recipient=person["email"],
                subject=f"Email {n}",
                context={},
                next_attempt_at=now,
                created_at=now + dt.timedelta(seconds=n),
            )
            for n in range(PER_PAGE + 5)
        ]
    )
    admin = await make_user("admin")
    await web_sign_in(client, admin)
    first = BeautifulSoup((await client.get("/admin/notifications")).text, "html.parser")
    assert len(first.select("table tbody tr")) == PER_PAGE
    assert f"Email {PER_PAGE + 4}" in first.select("table tbody tr")[0].get_text()
    link = first.select_one(".govuk-pagination__next a")
    assert link is not None
    second = BeautifulSoup((await client.get(str(link["href"]))).text, "html.parser")
    assert [r.select("a")[0].get_text() for r in second.select("table tbody tr")] == [
        f"Email {n}" for n in range(4, -1, -1)
    ]
    api = await client.get(f"{API}?page=2", headers=await bearer(admin))
    assert [r["subject"] for r in api.json()] == [f"Email {n}" for n in range(4, -1, -1)]
