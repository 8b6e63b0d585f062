"""Moderating over the API: the rationale rule, the scale, stale revisions, completion, returns,
and what people who are not the assigned assessor get."""

from __future__ import annotations

from httpx import AsyncClient

from app.assessments.tables import Response
from app.moderation.tables import Moderation
from tests.factories import (
    COMPLAINTS_FRAMEWORK,
    bearer,
    make_framework_version,
    make_user,
)
from tests.moderation.support import (
    API,
    assign,
    build_assessment,
    make_team,
    moderate,
    moderate_all,
    submitted,
)


async def in_review(client: AsyncClient, **answers: int) -> tuple:
    team = await make_team()
    assessment = await submitted(team, **answers)
    assert (await assign(client, team, assessment["id"])).status_code == 200
    return team, assessment["id"]


async def test_moderated_score_equal_to_the_departments_needs_no_rationale(
    client: AsyncClient,
) -> None:
    team, aid = await in_review(client)
    response = await moderate(
        client,
        team.as_("assessor"),
        aid,
        "LEAD.1.1",
        3,
        strength="Visible leadership",
        improvement="Refresh the vision yearly",
    )
    assert response.json() == {"revision": 1}
    row = await Moderation.select().where(Moderation.assessment == aid).first()
    assert (row["score"], row["strength"], row["improvement"]) == (
        3,
        "Visible leadership",
        "Refresh the vision yearly",
    )
    assert row["moderated_by"] == team.assessor["id"]


async def test_a_differing_score_without_rationale_is_refused_and_nothing_saved(
    client: AsyncClient,
) -> None:
    team, aid = await in_review(client)
    response = await moderate(client, team.as_("assessor"), aid, "LEAD.1.1", 4, rationale="   ")
    assert response.status_code == 422
    assert response.json()["problems"] == {
        "rationale": "LEAD.1.1: give a rationale: the moderated answer, 4 (Leading), differs from "
        "the department's, 3 (Embedded)"
    }
    assert not await Moderation.exists().where(Moderation.assessment == aid)


async def test_not_applicable_instead_of_a_score_needs_a_rationale(client: AsyncClient) -> None:
    team, aid = await in_review(client)
    body = {"score": None, "not_applicable": True, "rationale": "", "revision": 0}
    refused = await client.put(
        f"{API}/{aid}/moderation/INS.1.2", json=body, headers=team.as_("assessor")
    )
    assert (
        "not applicable, differs from the department's, 3 (Embedded)"
        in refused.json()["problems"]["rationale"]
    )
    body["rationale"] = "The service has no customers of this kind"
    saved = await client.put(
        f"{API}/{aid}/moderation/INS.1.2", json=body, headers=team.as_("assessor")
    )
    assert saved.status_code == 200


async def test_scores_must_be_on_the_scale_and_na_only_where_the_framework_allows(
    client: AsyncClient,
) -> None:
    team, aid = await in_review(client)
    off_scale = await moderate(
        client, team.as_("assessor"), aid, "LEAD.1.1", 7, rationale="Why not"
    )
    assert off_scale.json()["problems"] == {
        "score": "LEAD.1.1: score 7 is not on the scale; choose 0, 1, 2, 3 or 4"
    }
    missing = await moderate(client, team.as_("assessor"), aid, "LEAD.1.1", None)
    assert missing.json()["problems"] == {
        "score": "LEAD.1.1: choose a moderated score (0, 1, 2, 3 or 4)"
    }
    unknown = await moderate(client, team.as_("assessor"), aid, "NOPE.1", 3)
    assert unknown.status_code == 404

    complaints = await make_framework_version(COMPLAINTS_FRAMEWORK)
    other = await build_assessment(
        team.organisation, state="in_review", framework_version=complaints, assessor=team.assessor
    )
    na = await client.put(
        f"{API}/{other['id']}/moderation/ACCESS.1.1",
        headers=team.as_("assessor"),
        json={"score": None, "not_applicable": True, "rationale": "x", "revision": 0},
    )
    assert na.status_code == 422
    assert "does not allow 'not applicable'" in na.json()["problems"]["not_applicable"]


async def test_a_stale_revision_is_refused_with_the_stored_moderation(client: AsyncClient) -> None:
    team, aid = await in_review(client)
    await moderate(client, team.as_("assessor"), aid, "LEAD.1.1", 3)
    await moderate(
        client,
        team.as_("assessor"),
        aid,
        "LEAD.1.1",
        2,
        revision=1,
        rationale="Weaker than claimed",
    )
    stale = await moderate(
        client, team.as_("assessor"), aid, "LEAD.1.1", 4, revision=1, rationale="Better"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert "you sent revision 1; revision 2 is stored" in body["detail"]
    assert body["stored"]["score"] == 2 and body["stored"]["rationale"] == "Weaker than claimed"
    assert body["stored"]["revision"] == 2


async def test_complete_lists_unmoderated_elements_and_missing_rationales(
    client: AsyncClient,
) -> None:
    team, aid = await in_review(client)
    await moderate_all(client, team, aid, {"LEAD.1.1": 3, "LEAD.1.2": 3})
    # The department's answer changed under a saved moderation (as after a return): now it differs.
    await Response.update({Response.score: 1}).where(
        (Response.assessment == aid) & (Response.element_code == "LEAD.1.2")
    )
    await Moderation.update({Moderation.rationale: ""}).where(Moderation.assessment == aid)
    response = await client.post(f"{API}/{aid}/complete", headers=team.as_("assessor"))
    assert response.status_code == 422
    assert response.json()["problems"] == {
        "LEAD.1.2": "LEAD.1.2: give a rationale: the moderated answer, 3 (Embedded), differs from "
        "the department's, 1 (Developing)",
        "INS.1.1": "INS.1.1: not moderated yet",
        "INS.1.2": "INS.1.2: not moderated yet",
    }
    assert "3 element(s) need a moderated answer or a rationale" in response.json()["detail"]


async def test_wrong_state_transitions_answer_409_saying_where_it_is(client: AsyncClient) -> None:
    team, aid = await in_review(client)
    decide = await client.post(
        f"{API}/{aid}/decide", headers=team.as_("decider"), json={"outcome": "confirm", "note": ""}
    )
    assert decide.status_code == 409
    assert decide.json()["detail"] == (
        "The assessment cannot be confirmed. It is in_review; from in_review the only actions "
        "allowed are: assign, return, complete."
    )
    await moderate_all(
        client, team, aid, {"LEAD.1.1": 3, "LEAD.1.2": 3, "INS.1.1": 3, "INS.1.2": 3}
    )
    assert (
        await client.post(f"{API}/{aid}/complete", headers=team.as_("assessor"))
    ).status_code == 200
    again = await client.post(f"{API}/{aid}/complete", headers=team.as_("assessor"))
    assert again.status_code == 409
    assert again.json()["detail"].startswith(
        "The assessment cannot have its moderation completed. It is moderated;"
    )
    returned = await client.post(
        f"{API}/{aid}/return", headers=team.as_("assessor"), json={"reason": "More"}
    )
    assert returned.status_code == 409
    late = await moderate(client, team.as_("assessor"), aid, "LEAD.1.1", 3, revision=1)
    assert late.status_code == 409
    assert late.json()["detail"].startswith(
        "Moderated answers can be changed only while the assessment is in review"
    )


async def test_return_needs_a_reason_and_known_elements(client: AsyncClient) -> None:
    team, aid = await in_review(client)
    response = await client.post(
        f"{API}/{aid}/return",
        headers=team.as_("assessor"),
        json={"reason": " ", "elements": ["INS.1.1", "XX.9"]},
    )
    assert response.status_code == 422
    assert response.json()["problems"] == {
        "reason": "Enter the reason for returning the assessment to the department",
        "elements": "The framework has no element XX.9; name elements by their code",
    }


async def test_assessors_who_are_not_assigned_get_404_everywhere(client: AsyncClient) -> None:
    _, aid = await in_review(client)
    stranger = await bearer(await make_user("assessor"))
    calls = [
        client.get(f"{API}/{aid}/moderation", headers=stranger),
        client.put(
            f"{API}/{aid}/moderation/LEAD.1.1",
            headers=stranger,
            json={"score": 3, "not_applicable": False, "rationale": "", "revision": 0},
        ),
        client.post(f"{API}/{aid}/return", headers=stranger, json={"reason": "x"}),
        client.post(f"{API}/{aid}/complete", headers=stranger),
        client.post(f"{API}/{aid}/declaration", headers=stranger, json={"declaration": "x"}),
    ]
    for call in calls:
        response = await call
        assert response.status_code == 404, response.text


async def test_others_who_can_see_it_may_not_moderate(client: AsyncClient) -> None:
    team, aid = await in_review(client)
    for who in ("dept_lead", "lead"):
        response = await moderate(client, team.as_(who), aid, "LEAD.1.1", 3)
        assert response.status_code == 403
        assert (
            response.json()["detail"]
            == "Only the assessor assigned to this assessment can moderate it."
        )
    sheet = await client.get(f"{API}/{aid}/moderation", headers=team.as_("dept_lead"))
    assert sheet.status_code == 403


async def test_signed_out_api_calls_answer_401(client: AsyncClient) -> None:
    _, aid = await in_review(client)
    response = await client.get(f"{API}/{aid}/moderation")
    assert response.status_code == 401
