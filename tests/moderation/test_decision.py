"""The certification decision: only an independent lead assessor decides; confirm awards from the
moderated scores and issues a certificate; refer_back needs a note."""

from __future__ import annotations

from httpx import AsyncClient

from app.assessments.tables import Assessment, StatusChange
from app.audit.tables import AuditRecord
from app.certificates.tables import Certificate
from app.moderation.tables import Decision
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

NOT_INDEPENDENT = "so you cannot make its certification decision"


async def decide(
    client: AsyncClient,
    aid: object,
    headers: dict[str, str],
    outcome: str = "confirm",
    note: str = "",
) -> object:
    return await client.post(
        f"{API}/{aid}/decide", headers=headers, json={"outcome": outcome, "note": note}
    )


async def test_lead_who_moderated_cannot_decide(client: AsyncClient) -> None:
    team = await make_team()
    aid = (
        await build_assessment(
            team.organisation,
            state="moderated",
            assessor=team.lead,
            framework_version=await small_framework(),
        )
    )["id"]
    response = await decide(client, aid, team.as_("lead"))
    assert response.status_code == 403
    assert NOT_INDEPENDENT in response.json()["detail"]
    assert (await Assessment.select(Assessment.status).where(Assessment.id == aid).first())[
        "status"
    ] == "moderated"
    assert not await Decision.exists().where(Decision.assessment == aid)


async def test_lead_once_assigned_then_replaced_still_cannot_decide(client: AsyncClient) -> None:
    team = await make_team()
    assessment = await submitted(team)
    aid = assessment["id"]
    # The lead assigns themselves, moderates one element, then hands over to the assessor.
    await client.post(
        f"{API}/{aid}/assessors",
        headers=team.as_("decider"),
        json={"user": team.lead["email"], "declaration": "None"},
    )
    assert (await moderate(client, team.as_("lead"), aid, "LEAD.1.1", 3)).status_code == 200
    assert (await assign(client, team, aid)).status_code == 200
    await Assessment.update({Assessment.status: "moderated"}).where(Assessment.id == aid)
    response = await decide(client, aid, team.as_("lead"))
    assert response.status_code == 403 and NOT_INDEPENDENT in response.json()["detail"]


async def test_lead_employed_by_the_assessed_organisation_cannot_decide(
    client: AsyncClient,
) -> None:
    team = await make_team()
    aid = (
        await build_assessment(
            team.organisation, state="moderated", framework_version=await small_framework()
        )
    )["id"]
    insider = await make_user("lead_assessor", team.organisation)
    response = await decide(client, aid, await bearer(insider))
    assert response.status_code == 403
    assert "You work for the organisation being assessed" in response.json()["detail"]


async def test_only_lead_assessors_decide(client: AsyncClient) -> None:
    team = await make_team()
    aid = (
        await build_assessment(
            team.organisation,
            state="moderated",
            assessor=team.assessor,
            framework_version=await small_framework(),
        )
    )["id"]
    for who in ("assessor", "dept_lead"):
        response = await decide(client, aid, team.as_(who))
        assert response.status_code == 403
        assert (
            response.json()["detail"] == "Only a lead assessor can make the certification decision."
        )


async def test_outcome_and_note_are_checked(client: AsyncClient) -> None:
    team = await make_team()
    aid = (
        await build_assessment(
            team.organisation, state="moderated", framework_version=await small_framework()
        )
    )["id"]
    unknown = await decide(client, aid, team.as_("decider"), outcome="approve")
    assert unknown.json()["problems"] == {
        "outcome": "The outcome must be confirm or refer_back, not 'approve'"
    }
    silent = await decide(client, aid, team.as_("decider"), outcome="refer_back", note=" ")
    assert silent.status_code == 422
    assert silent.json()["problems"] == {
        "note": "Say what the assessor should look at again when you refer it back"
    }


async def test_refer_back_returns_it_to_the_assessor_with_the_note(client: AsyncClient) -> None:
    team = await make_team()
    aid = (
        await build_assessment(
            team.organisation,
            state="moderated",
            assessor=team.assessor,
            framework_version=await small_framework(),
        )
    )["id"]
    response = await decide(
        client, aid, team.as_("decider"), outcome="refer_back", note="Check INS.1.2 again"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "in_review"
    change = (
        await StatusChange.select()
        .where(StatusChange.assessment == aid)
        .order_by(StatusChange.id, ascending=False)
        .first()
    )
    assert (change["action"], change["from_status"], change["to_status"], change["note"]) == (
        "decide_refer_back",
        "moderated",
        "in_review",
        "Check INS.1.2 again",
    )
    decision = await Decision.select().where(Decision.assessment == aid).first()
    assert (decision["outcome"], decision["note"], decision["lead_assessor"]) == (
        "refer_back",
        "Check INS.1.2 again",
        team.decider["id"],
    )
    # The assessor can moderate again.
    sheet = (await client.get(f"{API}/{aid}/moderation", headers=team.as_("assessor"))).json()
    revision = sheet["themes"][0]["elements"][0]["revision"]
    assert (
        await moderate(client, team.as_("assessor"), aid, "LEAD.1.1", 4, revision=revision)
    ).status_code == 200


async def test_award_comes_from_moderated_scores_not_the_departments(client: AsyncClient) -> None:
    team = await make_team()
    aid = (
        await build_assessment(
            team.organisation,
            state="moderated",
            framework_version=await small_framework(),
            default_score=4,
            moderated={"LEAD.1.1": 1, "LEAD.1.2": 1, "INS.1.1": 1, "INS.1.2": 1},
        )
    )["id"]
    response = await decide(client, aid, team.as_("decider"), note="Self-assessment was generous")
    assert response.status_code == 200
    assert response.json() == {
        "id": str(aid),
        "status": "concluded",
        "award": None,
        "certificate": None,
    }
    row = await Assessment.select().where(Assessment.id == aid).first()
    assert (row["status"], row["award_code"], row["moderated_percent"]) == ("concluded", None, "25")
    assert row["concluded_at"] is not None
    assert not await Certificate.exists().where(Certificate.assessment == aid)
    audit = (
        await AuditRecord.select().where(AuditRecord.action == "assessment.decide_confirm").first()
    )
    assert audit["object_id"] == str(aid) and audit["actor_id"] == str(team.decider["id"])


async def test_confirmed_award_issues_one_certificate(client: AsyncClient) -> None:
    team = await make_team()
    aid = (
        await build_assessment(
            team.organisation,
            state="moderated",
            framework_version=await small_framework(),
            default_score=2,
        )
    )["id"]
    response = await decide(client, aid, team.as_("decider"))
    body = response.json()
    assert body["award"] == {"code": "accredited", "label": "Accredited"}
    certificate = await Certificate.select().where(Certificate.assessment == aid).first()
    assert body["certificate"]["id"] == str(certificate["id"])
    assert (certificate["award_code"], certificate["organisation"]) == (
        "accredited",
        team.organisation["id"],
    )
    again = await decide(client, aid, team.as_("decider"))
    assert again.status_code == 409
    assert await Certificate.count().where(Certificate.assessment == aid) == 1
