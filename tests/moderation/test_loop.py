"""The whole moderation loop over HTTP: assign, moderate, return, resubmit, complete, refer back,
complete again and confirm, with every transition recorded and audited."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient

from app.assessments.tables import Assessment, StatusChange
from app.audit.tables import AuditRecord
from app.certificates.tables import Certificate
from app.certificates.terms import add_months
from tests.moderation.support import API, assign, make_team, moderate, moderate_all, submitted


async def test_assessment_goes_from_submission_to_certificate(client: AsyncClient) -> None:
    team = await make_team()
    assessment = await submitted(team)
    aid = assessment["id"]

    queue = await client.get("/api/v1/moderation/queue", headers=team.as_("lead"))
    assert [
        (row["id"], row["organisation"], row["days_waiting"]) for row in queue.json()["submitted"]
    ] == [(str(aid), "Department for Testing", 0)]

    assigned = await assign(client, team, aid, declaration=None)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["status"] == "in_review"
    assert assigned.json()["declaration_required"] is True

    early = await moderate(client, team.as_("assessor"), aid, "LEAD.1.1", 3)
    assert early.status_code == 409
    assert "declaration of no conflict of interest" in early.json()["detail"]
    declared = await client.post(
        f"{API}/{aid}/declaration",
        headers=team.as_("assessor"),
        json={"declaration": "I have never worked for or advised this department."},
    )
    assert declared.status_code == 200, declared.text

    assert (await moderate(client, team.as_("assessor"), aid, "LEAD.1.1", 3)).json() == {
        "revision": 1
    }
    unexplained = await moderate(client, team.as_("assessor"), aid, "LEAD.1.2", 2)
    assert unexplained.status_code == 422
    assert "differs from the department's" in unexplained.json()["problems"]["rationale"]
    explained = await moderate(
        client,
        team.as_("assessor"),
        aid,
        "LEAD.1.2",
        2,
        rationale="Reviews happen twice a year, not quarterly",
    )
    assert explained.status_code == 200

    too_soon = await client.post(f"{API}/{aid}/complete", headers=team.as_("assessor"))
    assert too_soon.status_code == 422
    assert sorted(too_soon.json()["problems"]) == ["INS.1.1", "INS.1.2"]

    returned = await client.post(
        f"{API}/{aid}/return",
        headers=team.as_("assessor"),
        json={"reason": "Show us your customer research", "elements": ["INS.1.1"]},
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "returned"
    stored = (
        await Assessment.select(Assessment.return_reason, Assessment.return_elements)
        .where(Assessment.id == aid)
        .output(load_json=True)
        .first()
    )
    assert stored == {
        "return_reason": "Show us your customer research",
        "return_elements": ["INS.1.1"],
    }
    while_returned = await moderate(client, team.as_("assessor"), aid, "INS.1.1", 3)
    assert while_returned.status_code == 409

    department = team.as_("dept_lead")
    shown = (await client.get(f"{API}/{aid}", headers=department)).json()
    revision = next(r["revision"] for r in shown["responses"] if r["element"] == "INS.1.1")
    edited = await client.put(
        f"{API}/{aid}/responses/INS.1.1",
        headers=department,
        json={
            "score": 4,
            "not_applicable": False,
            "narrative": "Our 2026 customer survey",
            "revision": revision,
        },
    )
    assert edited.status_code == 200, edited.text
    resubmitted = await client.post(f"{API}/{aid}/submit", headers=department)
    assert resubmitted.status_code == 200, resubmitted.text
    # contract.md: a resubmission goes straight back to the assigned assessor (in_review).
    assert resubmitted.json()["status"] == "in_review"
    sheet = (await client.get(f"{API}/{aid}/moderation", headers=team.as_("assessor"))).json()
    assert sheet["status"] == "in_review"
    elements = {e["code"]: e for t in sheet["themes"] for e in t["elements"]}
    assert [code for code, e in elements.items() if e["department"]["changed"]] == ["INS.1.1"]
    assert elements["INS.1.1"]["asked_again"] is True
    assert (
        elements["LEAD.1.2"]["moderated"]["rationale"]
        == "Reviews happen twice a year, not quarterly"
    )

    await moderate_all(client, team, aid, {"INS.1.1": 4, "INS.1.2": 3})
    completed = await client.post(f"{API}/{aid}/complete", headers=team.as_("assessor"))
    assert completed.status_code == 200, completed.text
    # LEAD (75 + 50) / 2 = 62.5 weighted 3; INS (100 + 75) / 2 = 87.5 weighted 1: 275/4 = 68.75
    assert completed.json()["moderated_percent"] == "275/4"

    referred = await client.post(
        f"{API}/{aid}/decide",
        headers=team.as_("decider"),
        json={"outcome": "refer_back", "note": "Look again at LEAD.1.2"},
    )
    assert referred.status_code == 200, referred.text
    assert referred.json() == {
        "id": str(aid),
        "status": "in_review",
        "award": None,
        "certificate": None,
    }

    await moderate_all(client, team, aid, {"LEAD.1.2": 4})
    assert (
        await client.post(f"{API}/{aid}/complete", headers=team.as_("assessor"))
    ).status_code == 200
    confirmed = await client.post(
        f"{API}/{aid}/decide",
        headers=team.as_("decider"),
        json={"outcome": "confirm", "note": "Well evidenced"},
    )
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["award"] == {"code": "excellence", "label": "Excellence"}
    certificate = await Certificate.select().where(Certificate.assessment == aid).first()
    issued = dt.date.fromisoformat(body["certificate"]["issued_on"])
    assert body["certificate"]["id"] == str(certificate["id"])
    assert certificate["expires_on"] == add_months(issued, 36)
    assert certificate["review_due_on"] == add_months(issued, 12)

    final = await Assessment.select().where(Assessment.id == aid).first()
    assert final["status"] == "concluded" and final["award_code"] == "excellence"
    assert final["concluded_at"] is not None and final["moderated_percent"] == "175/2"
    changes = (
        await StatusChange.select(StatusChange.action, StatusChange.to_status)
        .where(StatusChange.assessment == aid)
        .order_by(StatusChange.id)
    )
    actions = [c["action"] for c in changes if c["action"] not in ("factory", "assign")]
    assert actions == [
        "return",
        "submit",
        "complete",
        "decide_refer_back",
        "complete",
        "decide_confirm",
    ]
    audited = {
        r["action"]
        for r in await AuditRecord.select(AuditRecord.action).where(
            AuditRecord.object_id == str(aid)
        )
    }
    assert {
        "assessment.assign",
        "assignment.declare",
        "moderation.save",
        "assessment.return",
        "assessment.complete",
        "assessment.decide_refer_back",
        "assessment.decide_confirm",
    } <= audited
