"""Each event writes its emails to the people the contract names, in the transaction of the
change: the whole moderation loop over HTTP, deactivated people, a change rolled back."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from app import db
from app.accounts.actor import Actor
from app.accounts.roles import Role
from app.assessments import service as assessments
from app.assessments.tables import Assessment
from app.notifications.tables import Notification
from tests.factories import bearer, make_user
from tests.moderation.support import (
    API,
    CODES,
    Team,
    assign,
    build_assessment,
    make_team,
    moderate_all,
    small_framework,
)
from tests.notifications.support import outbox


async def draft(team: Team) -> dict[str, Any]:
    """A draft of the small framework with every element answered: ready to submit."""
    return await build_assessment(
        team.organisation,
        state="draft",
        framework_version=await small_framework(),
        created_by=team.dept_lead,
        answers=dict.fromkeys(CODES, 3),
    )


def sent_to(rows: list[dict[str, Any]], event: str) -> list[str]:
    return sorted(r["recipient"] for r in rows if r["event"] == event)


async def test_the_moderation_loop_emails_whoever_must_act_next(client: AsyncClient) -> None:
    team = await make_team()
    contributor = await make_user("dept_contributor", team.organisation)
    gone = await make_user("dept_contributor", team.organisation, active=False)
    gone_lead = await make_user("lead_assessor", active=False)
    other_department = await make_user("dept_lead", await make_team_organisation())
    assessment = await draft(team)
    aid = assessment["id"]

    submitted = await client.post(f"{API}/{aid}/submit", headers=team.as_("dept_lead"))
    assert submitted.status_code == 200, submitted.text
    rows = await outbox()
    assert sent_to(rows, "assessment_submitted") == sorted(
        [team.lead["email"], team.decider["email"]]
    )
    assert gone_lead["email"] not in [r["recipient"] for r in rows]
    assert {r["subject"] for r in rows} == {"Assessment submitted: Department for Testing"}
    assert all(r["state"] == "pending" and r["tries"] == 0 for r in rows)

    assert (await assign(client, team, aid)).status_code == 200
    rows = await outbox()
    assert sent_to(rows, "assessor_assigned") == [team.assessor["email"]]
    assert [r["subject"] for r in rows if r["event"] == "assessor_assigned"] == [
        "You have been assigned to moderate Department for Testing"
    ]
    # Assigning the same assessor again (to record a declaration) tells them nothing new.
    assert (await assign(client, team, aid, declaration="Still none.")).status_code == 200
    assert len(sent_to(await outbox(), "assessor_assigned")) == 1

    returned = await client.post(
        f"{API}/{aid}/return",
        headers=team.as_("assessor"),
        json={"reason": "Show us your customer research", "elements": ["INS.1.1"]},
    )
    assert returned.status_code == 200, returned.text
    rows = await outbox()
    assert sent_to(rows, "assessment_returned") == sorted(
        [team.dept_lead["email"], contributor["email"]]
    )
    assert gone["email"] not in [r["recipient"] for r in rows]
    assert other_department["email"] not in [r["recipient"] for r in rows]
    context = next(r["context"] for r in rows if r["event"] == "assessment_returned")
    assert context["reason"] == "Show us your customer research"
    assert context["elements"] == ["INS.1.1"]

    again = await client.post(f"{API}/{aid}/submit", headers=team.as_("dept_lead"))
    assert again.status_code == 200, again.text
    rows = await outbox()
    assert sent_to(rows, "assessment_resubmitted") == [team.assessor["email"]]
    assert len(sent_to(rows, "assessment_submitted")) == 2  # the leads are not asked again

    await moderate_all(client, team, aid, dict.fromkeys(CODES, 3))
    completed = await client.post(f"{API}/{aid}/complete", headers=team.as_("assessor"))
    assert completed.status_code == 200, completed.text
    assert len(await outbox()) == len(rows)  # completing moderation mails nobody

    decided = await client.post(
        f"{API}/{aid}/decide", headers=team.as_("decider"), json={"outcome": "confirm"}
    )
    assert decided.status_code == 200, decided.text
    award = decided.json()["award"]["label"]
    rows = await outbox()
    decisions = [r for r in rows if r["event"] == "decision_made"]
    assert [r["recipient"] for r in decisions] == [team.dept_lead["email"]]  # leads only
    assert decisions[0]["subject"] == f"Decision made: {award} for Department for Testing"
    assert {r["event"] for r in rows} == {
        "assessment_submitted",
        "assessor_assigned",
        "assessment_returned",
        "assessment_resubmitted",
        "decision_made",
    }


async def make_team_organisation() -> dict[str, Any]:
    from tests.factories import make_organisation

    return await make_organisation(name="Another Department")


async def test_a_refused_change_writes_no_email(client: AsyncClient) -> None:
    team = await make_team()
    assessment = await build_assessment(
        team.organisation, state="draft", framework_version=await small_framework()
    )
    refused = await client.post(f"{API}/{assessment['id']}/submit", headers=team.as_("dept_lead"))
    assert refused.status_code == 422  # nothing answered yet
    assert await outbox() == []


class RolledBack(Exception):
    pass


async def test_a_rolled_back_submission_leaves_nothing_to_send() -> None:
    team = await make_team()
    assessment = await draft(team)
    lead = team.dept_lead
    actor = Actor(lead["id"], lead["email"], lead["name"], Role.DEPT_LEAD, lead["organisation"])
    with pytest.raises(RolledBack):
        async with db.transaction():
            view = await assessments.submit(actor, assessment["id"])
            assert view.status == "submitted"
            assert await Notification.count() == 2  # written, inside the transaction
            raise RolledBack
    assert await Notification.count() == 0
    status = await Assessment.select(Assessment.status).where(Assessment.id == assessment["id"])
    assert status == [{"status": "draft"}]


async def test_a_deactivated_assessor_is_not_emailed_on_resubmission(
    client: AsyncClient,
) -> None:
    team = await make_team()
    assessment = await draft(team)
    aid = assessment["id"]
    assert (await client.post(f"{API}/{aid}/submit", headers=team.as_("dept_lead"))).is_success
    assert (await assign(client, team, aid)).status_code == 200
    returned = await client.post(
        f"{API}/{aid}/return", headers=team.as_("assessor"), json={"reason": "More, please"}
    )
    assert returned.status_code == 200
    admin = await make_user("admin")
    off = await client.post(
        f"/api/v1/users/{team.assessor['id']}/deactivate", headers=await bearer(admin)
    )
    assert off.status_code in (200, 204), off.text
    assert (await client.post(f"{API}/{aid}/submit", headers=team.as_("dept_lead"))).is_success
    assert sent_to(await outbox(), "assessment_resubmitted") == []
