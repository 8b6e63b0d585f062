"""Withdrawing an assessment (contract.md § Withdrawing), over the API and the pages."""

from __future__ import annotations

from httpx import AsyncClient

from app.assessments.tables import Assessment
from app.audit.tables import AuditRecord
from tests.assessments.support import small_framework
from tests.assessments.test_pages import error_summary, post_form, soup, text
from tests.factories import bearer, make_assessment, make_organisation, make_user, web_sign_in


async def test_lead_withdraws_a_draft_and_can_start_again(client: AsyncClient) -> None:
    fv = await small_framework()
    org = await make_organisation()
    lead = await make_user("dept_lead", org)
    draft = await make_assessment(org, "draft", framework_version=fv, answers={"INS.1.1": 1})
    headers = await bearer(lead)
    start = {"organisation": org["slug"], "framework": "small-standard"}
    blocked = await client.post("/api/v1/assessments", json=start, headers=headers)
    assert blocked.status_code == 409
    answer = await client.post(
        f"/api/v1/assessments/{draft['id']}/withdraw",
        json={"reason": "Started on the wrong standard"},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "withdrawn"
    kept = await client.get(f"/api/v1/assessments/{draft['id']}", headers=headers)
    saved = {r["element"]: r for r in kept.json()["responses"]}
    assert saved["INS.1.1"]["score"] == 1
    again = await client.post("/api/v1/assessments", json=start, headers=headers)
    assert again.status_code == 201, again.text
    audit = await AuditRecord.select().where(AuditRecord.action == "assessment.withdraw")
    assert len(audit) == 1


async def test_withdraw_refusals(client: AsyncClient) -> None:
    fv = await small_framework()
    org = await make_organisation()
    lead = await make_user("dept_lead", org)
    contributor = await make_user("dept_contributor", org)
    other_lead = await make_user("dept_lead", await make_organisation())
    returned = await make_assessment(org, "returned", framework_version=fv)
    path = f"/api/v1/assessments/{returned['id']}/withdraw"
    body = {"reason": "No longer needed"}
    assert (
        await client.post(path, json=body, headers=await bearer(contributor))
    ).status_code == 403
    assert (await client.post(path, json=body, headers=await bearer(other_lead))).status_code == 404
    empty = await client.post(path, json={"reason": " "}, headers=await bearer(lead))
    assert empty.status_code == 422
    assert "reason" in empty.json()["problems"]
    submitted = await make_assessment(await make_organisation(), "submitted", framework_version=fv)
    its_lead = await make_user("dept_lead", {"id": submitted["organisation"]})
    late = await client.post(
        f"/api/v1/assessments/{submitted['id']}/withdraw", json=body, headers=await bearer(its_lead)
    )
    assert late.status_code == 409
    assert "It is submitted" in late.text
    ok = await client.post(path, json=body, headers=await bearer(lead))
    assert ok.status_code == 200
    twice = await client.post(path, json=body, headers=await bearer(lead))
    assert twice.status_code == 409


async def test_withdraw_page_from_the_assessment(client: AsyncClient) -> None:
    fv = await small_framework()
    org = await make_organisation()
    lead = await make_user("dept_lead", org, name="Dana Lead")
    draft = await make_assessment(org, "draft", framework_version=fv)
    await web_sign_in(client, lead)
    base = f"/assessments/{draft['id']}"
    page = soup(await client.get(base))
    link = page.find("a", string="Withdraw this assessment")
    assert link is not None and link["href"] == f"{base}/withdraw"
    form = soup(await client.get(link["href"]))
    assert text(form.find("h1")) == "Withdraw the assessment"
    assert "You cannot undo this" in text(form.find(class_="govuk-warning-text"))
    missing = await post_form(client, f"{base}/withdraw", {"reason": ""})
    assert missing.status_code == 400
    assert error_summary(soup(missing)) == [
        ("Enter the reason for withdrawing the assessment", "#reason")
    ]
    done = await post_form(client, f"{base}/withdraw", {"reason": "Duplicate of another"})
    assert done.status_code == 303
    shown = soup(await client.get(base))
    inset = text(shown.find(class_="govuk-inset-text"))
    assert "Dana Lead withdrew this assessment on" in inset
    assert "Reason: Duplicate of another" in inset
    assert shown.find("a", string="Withdraw this assessment") is None
    stored = await Assessment.select(Assessment.status).where(Assessment.id == draft["id"]).first()
    assert stored["status"] == "withdrawn"
    start = soup(await client.get("/assessments/start"))
    assert "Small Standard" in text(start.find("main"))
    assert "already" not in text(start.find("main"))


async def test_contributor_is_not_offered_withdraw(client: AsyncClient) -> None:
    fv = await small_framework()
    org = await make_organisation()
    draft = await make_assessment(org, "draft", framework_version=fv)
    await web_sign_in(client, await make_user("dept_contributor", org))
    page = soup(await client.get(f"/assessments/{draft['id']}"))
    assert page.find("a", string="Withdraw this assessment") is None
    assert (await client.get(f"/assessments/{draft['id']}/withdraw")).status_code == 303
