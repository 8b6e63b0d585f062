"""Server-side sessions: idle and absolute time-outs, renewal, and no session for visitors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from httpx import ASGITransport, AsyncClient
from litestar import Litestar

from app.accounts.session_store import DatabaseStore
from app.accounts.tables import SessionEntry
from app.main import create_app
from app.settings import Settings
from tests.accounts.support import stored_session_count
from tests.factories import PASSWORD, make_user


async def sign_in(client: AsyncClient, role: str = "admin") -> dict:
    user = await make_user(role)
    response = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
    )
    assert response.status_code == 200
    return user


async def test_visitors_who_never_sign_in_get_no_session(client: AsyncClient) -> None:
    for path in ("/sign-in", "/healthz", "/api/v1/organisations"):
        response = await client.get(path)
        assert "charter_session" not in response.cookies
    assert await stored_session_count() == 0


async def test_session_is_stored_in_the_database_under_a_hash_of_its_id(
    client: AsyncClient,
) -> None:
    await sign_in(client)
    session_id = client.cookies["charter_session"]
    rows = await SessionEntry.select(SessionEntry.key)
    assert len(rows) == 1
    assert rows[0]["key"] != session_id and session_id not in rows[0]["key"]
    # Any process using the same database finds it.
    assert await DatabaseStore().get(session_id) is not None


async def test_session_cookie_is_httponly_samesite_and_lives_as_long_as_the_idle_timeout(
    client: AsyncClient, settings: Settings
) -> None:
    user = await make_user("admin")
    response = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert f"max-age={settings.session_idle_minutes * 60}" in cookie
    assert "secure" not in cookie  # served over http in tests; see the https test below


async def test_over_https_the_session_cookie_is_secure() -> None:
    settings = dataclasses.replace(
        Settings.from_env(),
        base_url="https://charter.example.gov.uk",
        allowed_hosts=("charter.example.gov.uk",),
    )
    app = create_app(settings)
    user = await make_user("admin")
    async with AsyncClient(
        transport=ASGITransport(app=app), base_url="https://charter.example.gov.uk"
    ) as c:
        response = await c.post(
            "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
        )
    assert response.status_code == 200
    assert "secure" in response.headers["set-cookie"].lower()


async def test_idle_session_expires(client: AsyncClient) -> None:
    await sign_in(client)
    assert (await client.get("/api/v1/auth/me")).status_code == 200
    # As if the idle time-out had passed since the last request.
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    await SessionEntry.update({SessionEntry.expires_at: past}, force=True)

    assert (await client.get("/api/v1/auth/me")).status_code == 401
    page = await client.get("/account/tokens")
    assert page.status_code in (302, 303) and page.headers["location"].startswith("/sign-in")
    assert await stored_session_count() == 0


async def test_each_request_renews_the_idle_timeout(
    client: AsyncClient, settings: Settings
) -> None:
    await sign_in(client)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    await SessionEntry.update({SessionEntry.expires_at: soon}, force=True)
    assert (await client.get("/api/v1/auth/me")).status_code == 200
    expires = (await SessionEntry.select(SessionEntry.expires_at).first())["expires_at"]
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    assert expires > dt.datetime.now(dt.UTC) + idle - dt.timedelta(minutes=1)


async def test_reading_pages_does_not_rewrite_a_session_that_is_not_due_for_renewal(
    client: AsyncClient,
) -> None:
    await sign_in(client)
    before = await SessionEntry.select().first()
    for path in ("/api/v1/auth/me", "/frameworks", "/account/tokens"):
        response = await client.get(path)
        assert response.status_code == 200, path
        # The browser's cookie is still refreshed: its Max-Age counts from this answer.
        assert "charter_session=" in response.headers["set-cookie"]
    assert await SessionEntry.select().first() == before


async def test_idle_timeout_comes_from_settings() -> None:
    settings = dataclasses.replace(Settings.from_env(), session_idle_minutes=5)
    app: Litestar = create_app(settings)
    user = await make_user("admin")
    async with AsyncClient(
        transport=ASGITransport(app=app), base_url="http://testserver.local"
    ) as c:
        response = await c.post(
            "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
        )
    assert "Max-Age=300" in response.headers["set-cookie"]
    expires = (await SessionEntry.select(SessionEntry.expires_at).first())["expires_at"]
    assert expires < dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5, seconds=5)


async def _age_session(hours: float) -> None:
    row = await SessionEntry.select().first()
    data = json.loads(bytes(row["value"]))
    data["started_at"] = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)).isoformat()
    await SessionEntry.update({SessionEntry.value: json.dumps(data).encode()}).where(
        SessionEntry.key == row["key"]
    )


async def test_session_ends_after_the_absolute_timeout_even_when_in_use(
    client: AsyncClient, settings: Settings
) -> None:
    await sign_in(client)
    await _age_session(settings.session_absolute_hours - 0.1)
    assert (await client.get("/api/v1/auth/me")).status_code == 200  # still inside the limit

    await _age_session(settings.session_absolute_hours + 0.1)
    response = await client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert await stored_session_count() == 0  # the ended session is deleted, not just ignored


async def test_absolute_timeout_comes_from_settings() -> None:
    settings = dataclasses.replace(Settings.from_env(), session_absolute_hours=1)
    app = create_app(settings)
    async with AsyncClient(
        transport=ASGITransport(app=app), base_url="http://testserver.local"
    ) as c:
        await sign_in(c)
        await _age_session(1.1)
        assert (await c.get("/api/v1/auth/me")).status_code == 401


async def test_deactivating_someone_ends_their_session(client: AsyncClient) -> None:
    from app.accounts.tables import User

    user = await sign_in(client, "publisher")
    await User.update({User.active: False}).where(User.id == user["id"])
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    assert await stored_session_count() == 0
