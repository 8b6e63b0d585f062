"""The demo as a newcomer meets it: every state, awards as the story says, returned and
referred-back cases with their reasons, moderation with rationales, and the printed guide."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from app.accounts.roles import Role
from app.assessments.lifecycle import Status
from app.assessments.tables import StatusChange
from app.demo.story import DEMO_PASSWORD, ORGANISATIONS, PEOPLE, RENAMED, ROUNDS
from app.organisations.kinds import KINDS
from tests.demo.support import (
    LEAD_ASSESSOR,
    as_person,
    assessments,
    latest_round,
    signed_in,
)


async def test_demo_prints_where_to_go_and_who_to_sign_in_as(demo) -> None:
    assert "http://127.0.0.1:8000/sign-in" in demo
    assert DEMO_PASSWORD in demo and "demo only" in demo
    for person in PEOPLE:
        assert person.email in demo
    assert demo.count("/league-tables/") == 2
    for status in ("valid", "expiring soon", "expired", "revoked"):
        assert f"certificate: {status}" in demo
    _, new_name = RENAMED
    assert f"certificate issued before a rename to {new_name}" in demo


async def test_a_dozen_organisations_of_every_kind_and_people_of_every_role(client, demo) -> None:
    response = await client.get("/api/v1/organisations", headers=await as_person(LEAD_ASSESSOR))
    organisations = response.json()
    assert len(organisations) == len(ORGANISATIONS) >= 12
    assert {o["kind"] for o in organisations} == set(KINDS)
    agencies = [o for o in organisations if o["kind"] == "agency"]
    assert agencies and all(a["parent"] for a in agencies)
    assert {p.role for p in PEOPLE} == {r.value for r in Role}


async def test_assessments_are_in_every_state_of_the_lifecycle(client, demo) -> None:
    found = Counter(a["status"] for a in await assessments(client))
    assert set(found) == {s.value for s in Status}
    assert found == Counter(r.ends for r in ROUNDS)


async def test_concluded_awards_are_those_the_story_tells(client, demo) -> None:
    concluded = await assessments(client, status="concluded")
    got = Counter((a["organisation"], a["framework"], a["award"]) for a in concluded)
    told = Counter((r.organisation, r.framework, r.award) for r in ROUNDS if r.ends == "concluded")
    assert got == told
    assert {a["award"] for a in concluded} >= {"excellence", "accredited", "commitment", None}


async def test_the_returned_assessment_shows_the_assessors_reason(client, demo) -> None:
    (returned,) = await assessments(client, status="returned")
    sheet = await client.get(
        f"/api/v1/assessments/{returned['id']}/moderation", headers=await as_person(LEAD_ASSESSOR)
    )
    story = latest_round(returned["organisation"], "returned")
    assert sheet.json()["return_reason"] == story.returned
    assert sheet.json()["return_elements"] == list(story.returned_elements)


async def test_a_resubmission_comes_back_to_review_with_its_changes_highlighted(
    client, demo
) -> None:
    in_review = await assessments(client, status="in_review", organisation="community-resilience")
    sheet = await client.get(
        f"/api/v1/assessments/{in_review[0]['id']}/moderation",
        headers=await as_person(LEAD_ASSESSOR),
    )
    changed = [
        e["code"]
        for t in sheet.json()["themes"]
        for e in t["elements"]
        if e["department"] and e["department"]["changed"]
    ]
    assert changed == list(latest_round("community-resilience", "in_review").returned_elements)
    history = (
        await StatusChange.select(StatusChange.action)
        .where(StatusChange.assessment == in_review[0]["id"])
        .order_by(StatusChange.at)
    )
    assert [h["action"] for h in history] == ["submit", "assign", "return", "submit"]


async def test_a_referred_back_decision_is_in_the_history_with_its_note(client, demo) -> None:
    (moderated,) = await assessments(client, status="moderated")
    history = (
        await StatusChange.select(StatusChange.action, StatusChange.note)
        .where(StatusChange.assessment == moderated["id"])
        .order_by(StatusChange.at)
    )
    actions = [h["action"] for h in history]
    assert actions == ["submit", "assign", "complete", "decide_refer_back", "complete"]
    note = next(h["note"] for h in history if h["action"] == "decide_refer_back")
    assert note == latest_round(moderated["organisation"], "moderated").referred


async def test_moderated_scores_that_differ_give_a_rationale(client, demo) -> None:
    concluded = await assessments(client, status="concluded", organisation="rural-services")
    headers = await as_person(LEAD_ASSESSOR)
    differing = strengths = 0
    for assessment in concluded:
        sheet = await client.get(
            f"/api/v1/assessments/{assessment['id']}/moderation", headers=headers
        )
        for element in (e for t in sheet.json()["themes"] for e in t["elements"]):
            moderated = element["moderated"]
            if moderated["differs"]:
                differing += 1
                assert moderated["rationale"].strip(), element["code"]
            strengths += bool(moderated["strength"])
    assert differing >= 5 and strengths >= 5


async def test_history_is_dated_in_the_past_in_lifecycle_order(client, demo) -> None:
    concluded = await assessments(client, status="concluded", organisation="eastmarsh-dc")
    history = (
        await StatusChange.select(StatusChange.at)
        .where(StatusChange.assessment == concluded[0]["id"])
        .order_by(StatusChange.id)
    )
    moments = [h["at"] for h in history]
    assert moments == sorted(moments)
    assert (moments[-1] - moments[0]).days >= 7
    assert (dt.datetime.now(dt.UTC) - moments[-1]).days > 3 * 365


async def test_a_lead_assessor_who_moderated_may_not_decide_but_another_may(
    app, client, demo
) -> None:
    (moderated,) = await assessments(client, status="moderated")
    blocked = "cannot make its certification decision"
    async with signed_in(app, "lead.assessor@standards.example") as independent:
        page = await independent.get(f"/moderation/{moderated['id']}/decision")
        assert page.status_code == 200 and blocked not in page.text
    async with signed_in(app, "lead.assessor2@standards.example") as moderator:
        page = await moderator.get(f"/moderation/{moderated['id']}/decision")
        assert blocked in page.text
