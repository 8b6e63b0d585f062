"""Running `charter demo`, and reading the demo back: its people, API headers acting as them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from app.accounts.tables import User
from app.demo.story import DEMO_PASSWORD, PEOPLE, ROUNDS, Person
from tests.factories import bearer

ROOT = Path(__file__).resolve().parents[2]


def charter(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the `charter` command against the test run's database and evidence folder."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


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


@asynccontextmanager
async def signed_in(app: Any, email: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client signed in as a demo user with the printed demo password."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        response = await c.post(
            "/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200, response.text
        yield c
