"""Assigning assessors: only lead assessors, never someone employed by the assessed organisation,
reassignment keeps history, and the declaration of no conflict of interest."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient

from app.assessments.tables import Assessment, StatusChange
from app.audit.tables import AuditRecord
from app.moderation.tables import Assignment
from tests.factories import bearer, make_user
from tests.moderation.support import (
    API,
    assign,
    build_assessment,
    make_team,
    moderate,
    small_framework,
    submitted,
)


async def test_queue_lists_submitted_assessments_oldest_first(client: AsyncClient) -> None:
    team = await make_team()
    fv = await small_framework()
    newer = await submitted(team, fv)
    older = await submitted(team, fv)
    ten_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    await Assessment.update({Assessment.submitted_at: ten_days_ago}).where(
        Assessment.id == older["id"]
    )
    response = await client.get("/api/v1/moderation/queue", headers=team.as_("lead"))
    rows = response.json()["submitted"]
    assert [r["id"] for r in rows] == [str(older["id"]), str(newer["id"])]
    assert [r["days_waiting"] for r in rows] == [10, 0]
    assert rows[0]["framework"] == {
        "slug": "moderation-small",
        "version": "1.0",
        "title": "Moderation Small Standard",
    }


async def test_only_lead_assessors_see_the_queue(client: AsyncClient) -> None:
    team = await make_team()
    response = await client.get("/api/v1/moderation/queue", headers=team.as_("assessor"))
    assert response.status_code == 403


async def test_assessor_employed_by_the_assessed_organisation_can_never_be_assigned(
    client: AsyncClient,
) -> None:
    team = await make_team()
    assessment = await submitted(team)
    await make_user(
        "assessor", team.organisation, email="insider@example.gov.uk", name="Ina Insider"
    )
    response = await client.post(
        f"{API}/{assessment['id']}/assessors",
        headers=team.as_("lead"),
        json={"user": "INSIDER@example.gov.uk"},
    )
    assert response.status_code == 422
    assert response.json()["problems"]["user"] == (
        "Ina Insider (insider@example.gov.uk) works for Department for Testing, the organisation "
        "being assessed: an assessor can never be assigned to assess their own organisation"
    )
    assert not await Assignment.exists().where(Assignment.assessment == assessment["id"])


async def test_lead_assessor_employed_by_the_assessed_organisation_cannot_be_assigned(
    client: AsyncClient,
) -> None:
    team = await make_team()
    assessment = await submitted(team)
    insider_lead = await make_user("lead_assessor", team.organisation)
    response = await client.post(
        f"{API}/{assessment['id']}/assessors",
        headers=team.as_("lead"),
        json={"user": str(insider_lead["id"])},
    )
    assert response.status_code == 422
    assert "the organisation being assessed" in response.json()["problems"]["user"]


async def test_lead_assessor_employed_by_the_assessed_organisation_cannot_assign(
    client: AsyncClient,
) -> None:
    team = await make_team()
    assessment = await submitted(team)
    insider_lead = await make_user("lead_assessor", team.organisation)
    response = await client.post(
        f"{API}/{assessment['id']}/assessors",
        headers=await bearer(insider_lead),
        json={"user": team.assessor["email"]},
    )
    assert response.status_code == 403
    assert "You work for the organisation being assessed" in response.json()["detail"]


async def test_only_assessors_and_leads_can_be_assigned(client: AsyncClient) -> None:
    team = await make_team()
    assessment = await submitted(team)
    for user, message in (
        (team.dept_lead["email"], "is a dept_lead: only assessors and lead assessors"),
        ("nobody@example.gov.uk", "There is no user with the id or email address"),
    ):
        response = await client.post(
            f"{API}/{assessment['id']}/assessors", headers=team.as_("lead"), json={"user": user}
        )
        assert response.status_code == 422
        assert message in response.json()["problems"]["user"]


async def test_only_lead_assessors_assign(client: AsyncClient) -> None:
    team = await make_team()
    assessment = await submitted(team)
    as_department = await client.post(
        f"{API}/{assessment['id']}/assessors",
        headers=team.as_("dept_lead"),
        json={"user": team.assessor["email"]},
    )
    assert as_department.status_code == 403
    as_assessor = await client.post(
        f"{API}/{assessment['id']}/assessors",
        headers=team.as_("assessor"),
        json={"user": team.assessor["email"]},
    )
    assert as_assessor.status_code == 404  # not assigned: the assessment is not theirs to see


async def test_reassignment_deactivates_the_previous_assignment(client: AsyncClient) -> None:
    team = await make_team()
    assessment = await submitted(team)
    assert (await assign(client, team, assessment["id"])).status_code == 200
    second = await make_user("assessor")
    response = await client.post(
        f"{API}/{assessment['id']}/assessors",
        headers=team.as_("lead"),
        json={"user": str(second["id"]), "declaration": "No conflict."},
    )
    assert response.status_code == 200
    assert response.json()["status"] == "in_review"
    rows = (
        await Assignment.select(Assignment.assessor, Assignment.active, Assignment.declaration)
        .where(Assignment.assessment == assessment["id"])
        .order_by(Assignment.assigned_at)
    )
    assert [(r["assessor"], r["active"]) for r in rows] == [
        (team.assessor["id"], False),
        (second["id"], True),
    ]
    # The first assessor no longer sees it; the second can moderate at once.
    lost = await moderate(client, team.as_("assessor"), assessment["id"], "LEAD.1.1", 3)
    assert lost.status_code == 404
    assert (
        await moderate(client, await bearer(second), assessment["id"], "LEAD.1.1", 3)
    ).status_code == 200
    changes = await StatusChange.select(StatusChange.action, StatusChange.to_status).where(
        (StatusChange.assessment == assessment["id"]) & (StatusChange.action == "assign")
    )
    assert len(changes) == 2
    audited = await AuditRecord.count().where(AuditRecord.action == "assessment.assign")
    assert audited == 2


async def test_assigning_a_draft_is_refused_with_its_state(client: AsyncClient) -> None:
    team = await make_team()
    draft = await build_assessment(
        team.organisation, state="draft", framework_version=await small_framework()
    )
    # A lead assessor cannot see drafts at all.
    assert (await assign(client, team, draft["id"])).status_code == 404
    concluded = await build_assessment(
        team.organisation, state="concluded", framework_version=await small_framework()
    )
    response = await assign(client, team, concluded["id"])
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The assessment cannot be assigned to an assessor. "
        "It is concluded; no action is allowed from concluded."
    )


async def test_declaration_given_with_the_assignment_lets_the_assessor_start(
    client: AsyncClient,
) -> None:
    team = await make_team()
    assessment = await submitted(team)
    response = await assign(
        client, team, assessment["id"], declaration="Signed declaration received 3 May"
    )
    assert response.json()["declaration_required"] is False
    assert (
        await moderate(client, team.as_("assessor"), assessment["id"], "LEAD.1.1", 3)
    ).status_code == 200


async def test_only_the_assigned_assessor_records_the_declaration(client: AsyncClient) -> None:
    team = await make_team()
    assessment = await submitted(team)
    await assign(client, team, assessment["id"], declaration=None)
    by_lead = await client.post(
        f"{API}/{assessment['id']}/declaration",
        headers=team.as_("lead"),
        json={"declaration": "On their behalf"},
    )
    assert by_lead.status_code == 403
    assert by_lead.json()["detail"] == (
        "Only the assessor assigned to this assessment can record its declaration of no conflict "
        "of interest."
    )
