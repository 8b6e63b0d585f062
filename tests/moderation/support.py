"""A small framework and the people of a moderation: the department, two assessors, two leads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient

from app import db
from tests.factories import (
    bearer,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
)

API = "/api/v1/assessments"

SMALL_FRAMEWORK = """
format: 1
slug: moderation-small
version: "1.0"
title: Moderation Small Standard
scale:
  levels:
    - {value: 0, label: Not in place}
    - {value: 1, label: Developing}
    - {value: 2, label: Established}
    - {value: 3, label: Embedded}
    - {value: 4, label: Leading}
  allow_not_applicable: true
awards:
  - code: excellence
    label: Excellence
    rules: {min_overall_percent: 80, min_mandatory_score: 3}
  - code: accredited
    label: Accredited
    rules: {min_overall_percent: 50}
certificate: {validity_months: 36, review_months: 12}
themes:
  - code: LEAD
    title: Leadership
    weight: 3
    criteria:
      - code: LEAD.1
        title: Vision
        elements:
          - {code: LEAD.1.1, statement: Leaders publish a vision., mandatory: true}
          - {code: LEAD.1.2, statement: Leaders review complaints.}
  - code: INS
    title: Insight
    weight: 1
    criteria:
      - code: INS.1
        title: Knowing customers
        elements:
          - {code: INS.1.1, statement: The organisation knows its customers.}
          - {code: INS.1.2, statement: The organisation asks its customers.}
"""

CODES = ("LEAD.1.1", "LEAD.1.2", "INS.1.1", "INS.1.2")


@dataclass
class Team:
    organisation: dict[str, Any]
    dept_lead: dict[str, Any]
    assessor: dict[str, Any]
    lead: dict[str, Any]  # assigns assessors
    decider: dict[str, Any]  # a second, independent lead assessor
    headers: dict[str, dict[str, str]]

    def as_(self, who: str) -> dict[str, str]:
        return self.headers[who]


async def small_framework() -> dict[str, Any]:
    return await make_framework_version(text=SMALL_FRAMEWORK)


async def build_assessment(organisation: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """make_assessment in one commit (alone, each of its many rows would be its own disk sync)."""
    async with db.transaction():
        return await make_assessment(organisation, **kwargs)


async def make_team() -> Team:
    async with db.transaction():
        return await _make_team()


async def _make_team() -> Team:
    org = await make_organisation(name="Department for Testing")
    people = {
        "dept_lead": await make_user("dept_lead", org),
        "assessor": await make_user("assessor", await make_organisation(name="Assessment Ltd")),
        "lead": await make_user("lead_assessor"),
        "decider": await make_user("lead_assessor"),
    }
    headers = {name: await bearer(user) for name, user in people.items()}
    return Team(organisation=org, headers=headers, **people)


async def submitted(
    team: Team, framework: dict[str, Any] | None = None, **answers: int
) -> dict[str, Any]:
    """A submitted assessment of the small framework; every element self-scored 3 unless named."""
    fv = framework or await small_framework()
    scores = {code.replace("_", "."): value for code, value in answers.items()}
    return await build_assessment(
        team.organisation,
        state="submitted",
        framework_version=fv,
        created_by=team.dept_lead,
        default_score=3,
        answers=scores or None,
    )


async def assign(
    client: AsyncClient, team: Team, assessment_id: Any, declaration: str | None = "None."
) -> Any:
    body: dict[str, Any] = {"user": team.assessor["email"]}
    if declaration is not None:
        body["declaration"] = declaration
    return await client.post(
        f"{API}/{assessment_id}/assessors", json=body, headers=team.as_("lead")
    )


async def moderate(
    client: AsyncClient,
    headers: dict[str, str],
    assessment_id: Any,
    code: str,
    score: int | None,
    revision: int = 0,
    rationale: str = "",
    **extra: Any,
) -> Any:
    body = {
        "score": score,
        "not_applicable": False,
        "rationale": rationale,
        "revision": revision,
        **extra,
    }
    return await client.put(f"{API}/{assessment_id}/moderation/{code}", json=body, headers=headers)


async def moderate_all(
    client: AsyncClient,
    team: Team,
    assessment_id: Any,
    scores: dict[str, int],
    rationale: str = "Checked against the evidence",
) -> None:
    """Save a moderated score on each element, reading each one's revision first."""
    sheet = await client.get(f"{API}/{assessment_id}/moderation", headers=team.as_("assessor"))
    assert sheet.status_code == 200, sheet.text
    revisions = {e["code"]: e["revision"] for t in sheet.json()["themes"] for e in t["elements"]}
    for code, value in scores.items():
        saved = await moderate(
            client,
            team.as_("assessor"),
            assessment_id,
            code,
            value,
            revision=revisions[code],
            rationale=rationale,
        )
        assert saved.status_code == 200, saved.text
