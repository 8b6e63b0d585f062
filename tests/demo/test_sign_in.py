"""Every role's demo account signs in with the printed password and reaches its landing page."""

from __future__ import annotations

import httpx
import pytest

from app.accounts.roles import Role
from app.demo.story import DEMO_PASSWORD
from app.web.pages import LANDING
from tests.demo.support import person


@pytest.mark.parametrize("role", list(Role))
async def test_a_demo_user_of_each_role_reaches_their_landing_page(app, demo, role) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        who = person(role)
        signed_in = await c.post(
            "/api/v1/auth/login", json={"email": who.email, "password": DEMO_PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        home = await c.get("/")
        assert home.headers["location"] == LANDING[role]
        landing = await c.get(LANDING[role])
        assert landing.status_code == 200
        assert who.name in landing.text
