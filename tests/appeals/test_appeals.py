"""Appeals over the API and the pages (contract.md § Appeals): who may lodge and decide them, the
30 days, one open at a time, and an upheld appeal's revocation and fresh decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from httpx import AsyncClient

from app.accounts.actor import SystemActor
from app.audit.tables import AuditRecord
from app.certificates import service as certificates
from app.certificates.tables import Certificate
from app.notifications.tables import Notification
from tests.assessments.support import small_framework
from tests.assessments.test_pages import error_summary, post_form, soup, text
from tests.factories import bearer, make_assessment, make_organisation, make_user, web_sign_in


async def concluded(days_ago: int = 1) -> dict[str, Any]:
    fv = await small_framework()
    org = await make_organisation(name="Appealing Department")
    lead = await make_user("dept_lead", org)
    assessor = await make_user("assessor")
    decider = await make_user("lead_assessor")
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    assessment = await make_assessment(
        org,
        "concluded",
        framework_version=fv,
        created_by=lead,
        assessor=assessor,
        lead_assessor=decider,
        concluded_at=when,
    )
    certificate = await certificates.issue(SystemActor("tests"), assessment["id"])
    return {
        "org": org,
        "lead": lead,
        "assessor": assessor,
        "decider": decider,
        "assessment": assessment,
        "certificate": certificate["id"],
    }


async def test_lodge_then_uphold_revokes_and_reopens_for_an_independent_lead(
    client: AsyncClient,
) -> None:
    w = await concluded()
    path = f"/api/v1/assessments/{w['assessment']['id']}/appeal"
    lodged = await client.post(
        path, json={"grounds": "LEAD.1.1 was marked down unfairly"}, headers=await bearer(w["lead"])
    )
    assert lodged.status_code == 201, lodged.text
    appeal = lodged.json()
    assert appeal["status"] == "open"
    second = await client.post(path, json={"grounds": "Again"}, headers=await bearer(w["lead"]))
    assert second.status_code == 409
    lodged_mail = await Notification.select().where(Notification.event == "appeal_lodged")
    assert {n["recipient"] for n in lodged_mail} == {w["decider"]["email"]}
    decide = f"/api/v1/appeals/{appeal['id']}/decide"
    body = {"outcome": "upheld", "note": "The evidence for LEAD.1.1 was overlooked"}
    for who in (w["decider"], w["assessor"], w["lead"]):
        assert (await client.post(decide, json=body, headers=await bearer(who))).status_code == 403
    judge = await make_user("lead_assessor")
    upheld = await client.post(decide, json=body, headers=await bearer(judge))
    assert upheld.status_code == 200, upheld.text
    assert upheld.json()["outcome"] == "upheld"
    assert upheld.json()["decided_by"] == str(judge["id"])
    cert = await Certificate.select().where(Certificate.id == w["certificate"]).first()
    assert cert["revoked_at"] is not None and "appeal" in cert["revoked_reason"]
    shown = await client.get(
        f"/api/v1/assessments/{w['assessment']['id']}", headers=await bearer(w["lead"])
    )
    assert shown.json()["status"] == "moderated"
    again = await client.post(
        decide, json=body, headers=await bearer(await make_user("lead_assessor"))
    )
    assert again.status_code == 409
    new_decision = f"/api/v1/assessments/{w['assessment']['id']}/decide"
    confirm = {"outcome": "confirm", "note": ""}
    for who in (w["decider"], judge):
        refused = await client.post(new_decision, json=confirm, headers=await bearer(who))
        assert refused.status_code == 403, refused.text
    client.cookies.clear()
    await web_sign_in(client, judge)
    queue = soup(await client.get("/moderation/queue"))
    assert "You cannot decide: you decided it before, or its upheld appeal" in text(queue)
    client.cookies.clear()
    fresh = await make_user("lead_assessor")
    await web_sign_in(client, fresh)
    queue = soup(await client.get("/moderation/queue"))
    assert "You cannot decide" not in text(queue)
    assert queue.find("a", href=f"/moderation/{w['assessment']['id']}/decision") is not None
    client.cookies.clear()
    decided = await client.post(new_decision, json=confirm, headers=await bearer(fresh))
    assert decided.status_code == 200, decided.text
    audit = {r["action"] for r in await AuditRecord.select(AuditRecord.action)}
    assert {"appeal.lodge", "appeal.decide", "certificate.revoke"} <= audit
    decided_mail = await Notification.select().where(Notification.event == "appeal_decided")
    assert {n["recipient"] for n in decided_mail} == {w["lead"]["email"]}
    read = await client.get(f"/api/v1/appeals/{appeal['id']}", headers=await bearer(w["lead"]))
    assert read.json()["note"] == "The evidence for LEAD.1.1 was overlooked"


async def test_dismissed_changes_nothing_else(client: AsyncClient) -> None:
    w = await concluded()
    lodged = await client.post(
        f"/api/v1/assessments/{w['assessment']['id']}/appeal",
        json={"grounds": "We disagree"},
        headers=await bearer(w["lead"]),
    )
    judge = await bearer(await make_user("lead_assessor"))
    decide = f"/api/v1/appeals/{lodged.json()['id']}/decide"
    missing = await client.post(decide, json={"outcome": "dismissed", "note": ""}, headers=judge)
    assert missing.status_code == 422 and "note" in missing.json()["problems"]
    done = await client.post(
        decide, json={"outcome": "dismissed", "note": "The moderation was sound"}, headers=judge
    )
    assert done.status_code == 200
    cert = await Certificate.select().where(Certificate.id == w["certificate"]).first()
    assert cert["revoked_at"] is None
    shown = await client.get(
        f"/api/v1/assessments/{w['assessment']['id']}", headers=await bearer(w["lead"])
    )
    assert shown.json()["status"] == "concluded"


async def test_lodging_refusals(client: AsyncClient) -> None:
    late = await concluded(days_ago=31)
    answer = await client.post(
        f"/api/v1/assessments/{late['assessment']['id']}/appeal",
        json={"grounds": "Too late?"},
        headers=await bearer(late["lead"]),
    )
    assert answer.status_code == 409 and "30 days" in answer.text
    w = await concluded()
    path = f"/api/v1/assessments/{w['assessment']['id']}/appeal"
    contributor = await make_user("dept_contributor", w["org"])
    assert (
        await client.post(path, json={"grounds": "x"}, headers=await bearer(contributor))
    ).status_code == 403
    other = await make_user("dept_lead", await make_organisation())
    assert (
        await client.post(path, json={"grounds": "x"}, headers=await bearer(other))
    ).status_code == 404
    empty = await client.post(path, json={"grounds": " "}, headers=await bearer(w["lead"]))
    assert empty.status_code == 422
    fv = await small_framework("2.0")
    moderated = await make_assessment(w["org"], "moderated", framework_version=fv)
    not_yet = await client.post(
        f"/api/v1/assessments/{moderated['id']}/appeal",
        json={"grounds": "x"},
        headers=await bearer(w["lead"]),
    )
    assert not_yet.status_code == 409
    lodged = await client.post(path, json={"grounds": "x"}, headers=await bearer(w["lead"]))
    appeal = f"/api/v1/appeals/{lodged.json()['id']}"
    assert (await client.get(appeal, headers=await bearer(other))).status_code == 404
    assert (await client.get(appeal, headers=await bearer(w["decider"]))).status_code == 200
    assert (await client.get(appeal, headers=await bearer(w["assessor"]))).status_code == 404


async def test_appeal_by_clicking_and_decided_from_the_queue(client: AsyncClient) -> None:
    w = await concluded()
    await web_sign_in(client, w["lead"])
    base = f"/assessments/{w['assessment']['id']}"
    page = soup(await client.get(base))
    link = page.find("a", string="Appeal this decision")
    assert link is not None
    form = soup(await client.get(link["href"]))
    assert text(form.find("h1")) == "Appeal this decision"
    empty = await post_form(client, link["href"], {"grounds": ""})
    assert empty.status_code == 400
    assert error_summary(soup(empty)) == [("Enter the grounds for the appeal", "#grounds")]
    sent = await post_form(client, link["href"], {"grounds": "INS.1.1 deserves a 2"})
    assert sent.status_code == 303
    shown = soup(await client.get(base))
    assert "Appeal lodged on" in text(shown) and ": open." in text(shown)
    assert shown.find("a", string="Appeal this decision") is None
    client.cookies.clear()
    await web_sign_in(client, w["decider"])
    queue = soup(await client.get("/moderation/queue"))
    appeals = soup(await client.get(queue.find("a", string="open appeals")["href"]))
    row = appeals.find("tbody").find("a")
    assert text(row) == "Appealing Department"
    blocked = soup(await client.get(row["href"]))
    assert "made a certification decision" in text(blocked.find(class_="govuk-inset-text"))
    assert blocked.find("form", {"action": lambda a: a and a.endswith("/decide")}) is None
    client.cookies.clear()
    await web_sign_in(client, await make_user("lead_assessor"))
    appeal_page = soup(await client.get(row["href"]))
    action = appeal_page.find("form", {"action": lambda a: a and a.endswith("/decide")})["action"]
    no_outcome = await post_form(client, action, {"note": "x"})
    assert no_outcome.status_code == 400
    done = await post_form(client, action, {"outcome": "dismissed", "note": "The scores stand"})
    assert done.status_code == 303
    final = soup(await client.get(row["href"]))
    assert "Dismissed" in text(final.find(class_="govuk-summary-list"))
