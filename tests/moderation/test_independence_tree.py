"""Independence across the organisation tree: working for the assessed organisation's parent, its
child or its grandchild rules an assessor out of assignment and a lead assessor out of assigning
and deciding, over the API and on the pages."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from httpx import AsyncClient

from app import db
from app.moderation.tables import Assignment, Decision
from app.organisations.tables import Organisation
from tests.factories import bearer, csrf_token, make_organisation, make_user, web_sign_in
from tests.moderation.support import API, build_assessment, make_team, small_framework

# Where the conflicted person works, relative to the assessed agency (Agency of Testing):
# its parent department, its child office, or that office's own sub-office (a grandchild).
PLACES = ("parent", "child", "grandchild")


async def tree(team: Any) -> dict[str, dict[str, Any]]:
    """Department -> the assessed agency (team.organisation moved under it) -> office -> sub-office."""
    async with db.transaction():
        parent = await make_organisation(name="Ministry of Tests")
        await Organisation.update({Organisation.parent: parent["id"]}).where(
            Organisation.id == team.organisation["id"]
        )
        child = await make_organisation(name="Tests Office", parent=team.organisation)
        grandchild = await make_organisation(name="Tests Sub-office", parent=child)
    return {"parent": parent, "child": child, "grandchild": grandchild}


def refusal_words(place: str) -> str:
    return {
        "parent": "Ministry of Tests, which Department for Testing is part of",
        "child": "Tests Office, which is part of Department for Testing",
        "grandchild": "Tests Sub-office, which is part of Department for Testing",
    }[place]


@pytest.mark.parametrize("place", PLACES)
async def test_assessor_employed_above_or_below_cannot_be_assigned_by_api(
    client: AsyncClient, place: str
) -> None:
    team = await make_team()
    places = await tree(team)
    fv = await small_framework()
    assessment = await build_assessment(team.organisation, state="submitted", framework_version=fv)
    insider = await make_user("assessor", places[place], name="Tree Insider")
    response = await client.post(
        f"{API}/{assessment['id']}/assessors",
        headers=team.as_("lead"),
        json={"user": insider["email"]},
    )
    assert response.status_code == 422, response.text
    message = response.json()["problems"]["user"]
    assert f"works for {refusal_words(place)}:" in message
    assert not await Assignment.exists().where(Assignment.assessment == assessment["id"])


@pytest.mark.parametrize("place", PLACES)
async def test_lead_employed_above_or_below_cannot_assign_or_decide_by_api(
    client: AsyncClient, place: str
) -> None:
    team = await make_team()
    places = await tree(team)
    fv = await small_framework()
    submitted = await build_assessment(team.organisation, state="submitted", framework_version=fv)
    moderated = await build_assessment(team.organisation, state="moderated", framework_version=fv)
    tied_lead = await bearer(await make_user("lead_assessor", places[place]))
    assigning = await client.post(
        f"{API}/{submitted['id']}/assessors",
        headers=tied_lead,
        json={"user": team.assessor["email"]},
    )
    assert assigning.status_code == 403
    assert (
        f"You work for {refusal_words(place)}, so you cannot assign" in (assigning.json()["detail"])
    )
    deciding = await client.post(
        f"{API}/{moderated['id']}/decide", headers=tied_lead, json={"outcome": "confirm"}
    )
    assert deciding.status_code == 403
    assert "so you cannot make its certification decision" in deciding.json()["detail"]
    assert not await Decision.exists().where(Decision.assessment == moderated["id"])


@pytest.mark.parametrize("place", PLACES)
async def test_assign_page_leaves_out_people_employed_above_or_below(
    client: AsyncClient, place: str
) -> None:
    team = await make_team()
    places = await tree(team)
    assessment = await build_assessment(
        team.organisation, state="submitted", framework_version=await small_framework()
    )
    insider = await make_user("assessor", places[place], name="Tree Insider")
    await web_sign_in(client, team.lead)
    form = BeautifulSoup(
        (await client.get(f"/moderation/{assessment['id']}/assign")).text, "html.parser"
    )
    offered = [o.get_text() for o in form.select("select#user option")]
    assert any(team.assessor["email"] in text for text in offered)
    assert not any("Tree Insider" in text for text in offered)
    # Sent anyway (an old page, a hand-made form): refused with the reason, nothing saved.
    tampered = await client.post(
        f"/moderation/{assessment['id']}/assign",
        data={"user": str(insider["id"]), "_csrf_token": await csrf_token(client)},
    )
    assert tampered.status_code == 400
    summary = BeautifulSoup(tampered.text, "html.parser").select_one(".govuk-error-summary")
    assert summary is not None and refusal_words(place) in summary.get_text()
    assert not await Assignment.exists().where(Assignment.assessment == assessment["id"])


@pytest.mark.parametrize("place", PLACES)
async def test_decision_page_tells_a_tied_lead_why_they_cannot_decide(
    client: AsyncClient, place: str
) -> None:
    team = await make_team()
    places = await tree(team)
    assessment = await build_assessment(
        team.organisation, state="moderated", framework_version=await small_framework()
    )
    tied_lead = await make_user("lead_assessor", places[place])
    await web_sign_in(client, tied_lead)
    soup = BeautifulSoup(
        (await client.get(f"/moderation/{assessment['id']}/decision")).text, "html.parser"
    )
    assert soup.select_one("form[action$='/decision']") is None
    warning = soup.select_one(".govuk-warning-text")
    assert warning is not None and f"You work for {refusal_words(place)}" in warning.get_text()


async def test_unrelated_organisation_in_the_same_tree_is_independent(client: AsyncClient) -> None:
    """A sibling agency (same parent, not above or below the assessed one) may assess it."""
    team = await make_team()
    places = await tree(team)
    sibling = await make_organisation(name="Sibling Agency", parent=places["parent"])
    assessment = await build_assessment(
        team.organisation, state="submitted", framework_version=await small_framework()
    )
    outsider = await make_user("assessor", sibling)
    response = await client.post(
        f"{API}/{assessment['id']}/assessors",
        headers=team.as_("lead"),
        json={"user": outsider["email"], "declaration": "No links."},
    )
    assert response.status_code == 200, response.text
