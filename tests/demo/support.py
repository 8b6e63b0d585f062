"""Reading the demo back: who its people are, and API headers that act as them."""

from __future__ import annotations

from typing import Any

from app.accounts.tables import User
from app.demo.story import PEOPLE, ROUNDS, Person
from tests.factories import bearer

ADMIN = "admin@standards.example"
LEAD_ASSESSOR = "lead.assessor@standards.example"


async def as_person(email: str) -> dict[str, str]:
    """Bearer headers for a demo user (a token is quicker than signing in with the password)."""
    row = await User.select().where(User.email == email).first()
    assert row is not None, email
    return await bearer(row)


def person(role: str) -> Person:
    return next(p for p in PEOPLE if p.role == role)


async def assessments(client: Any, **query: str) -> list[dict[str, Any]]:
    response = await client.get(
        "/api/v1/assessments", params={"limit": "200", **query}, headers=await as_person(ADMIN)
    )
    assert response.status_code == 200, response.text
    return response.json()


def latest_round(organisation: str, ends: str) -> Any:
    return next(r for r in ROUNDS if r.organisation == organisation and r.ends == ends)
