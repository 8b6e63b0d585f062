"""Small frameworks and a few helpers for the league table tests: a tiny framework keeps the
factories fast, and its numbers are easy to check by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from httpx import AsyncClient

from tests.factories import (
    bearer,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
)

# Scale 0..4; theme SERVE (weight 1) has two elements, theme LEARN (weight 1) one.
# All 4s: 100%; all 2s: 50%. Gold needs 75% overall, Silver 50%.
SMALL = """
format: 1
slug: small-standard
version: "{version}"
title: Small Standard
scale:
  levels:
    - {{value: 0, label: None}}
    - {{value: 1, label: Some}}
    - {{value: 2, label: Half}}
    - {{value: 3, label: Most}}
    - {{value: 4, label: All}}
awards:
  - code: gold
    label: Gold
    rules: {{min_overall_percent: 75}}
  - code: silver
    label: Silver
    rules: {{min_overall_percent: 50}}
certificate: {{validity_months: {validity}}}
themes:
  - code: SERVE
    title: Service
    criteria:
      - code: SERVE.1
        title: Serving people
        elements:
          - {{code: SERVE.1.1, statement: People are served well}}
          - {{code: SERVE.1.2, statement: People are served quickly}}
  - code: LEARN
    title: Learning
    criteria:
      - code: LEARN.1
        title: Learning from people
        elements:
          - {{code: LEARN.1.1, statement: Feedback changes things}}
"""

SLUG = "small-standard"


async def small_framework(version: str = "1", validity: int = 12) -> dict[str, Any]:
    return await make_framework_version(text=SMALL.format(version=version, validity=validity))


def at(day: str) -> dt.datetime:
    """Midday UTC on an ISO date: when a test assessment concluded."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12), tzinfo=dt.UTC)


async def concluded(
    framework: dict[str, Any],
    score: int,
    day: str = "2026-03-01",
    org: dict[str, Any] | None = None,
    name: str | None = None,
    kind: str = "department",
    **extra: Any,
) -> dict[str, Any]:
    """An organisation (new unless given) with a concluded assessment scored `score` throughout."""
    org = org or await make_organisation(name=name, kind=kind)
    await make_assessment(
        org,
        state="concluded",
        framework_version=framework,
        default_score=score,
        concluded_at=at(day),
        **(await _people(framework)),
        **extra,
    )
    return org


async def _people(framework: dict[str, Any]) -> dict[str, Any]:
    """The same author and assessors for every assessment in a test: users are slow to insert
    and the league tables never look at them. Kept on the test's own framework row."""
    if "_people" not in framework:
        framework["_people"] = {
            "created_by": await make_user("dept_lead"),
            "assessor": await make_user("assessor"),
            "lead_assessor": await make_user("lead_assessor"),
        }
    return framework["_people"]


async def publisher_headers() -> dict[str, str]:
    return await bearer(await make_user("publisher"))


async def publish(client: AsyncClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    body = {"framework": SLUG, "title": "Spring table", "as_of": "2026-04-01", **body}
    response = await client.post("/api/v1/league-tables", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def by_slug(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["organisation"]: row for row in rows}
