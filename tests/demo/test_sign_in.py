"""Every role's demo account signs in with the printed password and reaches its landing page."""

from __future__ import annotations

import pytest

from app.accounts.roles import Role
from app.web.pages import LANDING
from tests.demo.support import person, signed_in


@pytest.mark.parametrize("role", list(Role))
async def test_a_demo_user_of_each_role_reaches_their_landing_page(app, demo, role) -> None:
    who = person(role)
    async with signed_in(app, who.email) as c:
        home = await c.get("/")
        assert home.headers["location"] == LANDING[role]
        landing = await c.get(LANDING[role])
        assert landing.status_code == 200
        assert who.name in landing.text
