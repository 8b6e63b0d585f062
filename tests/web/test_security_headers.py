"""Security headers on pages and on the API: a CSP without inline script, no framing, nosniff,
a strict referrer policy, and HSTS only when served over https."""

from __future__ import annotations

import dataclasses

from httpx import ASGITransport, AsyncClient

from app.main import create_app
from app.settings import Settings
from tests.factories import bearer, make_user


def assert_protected(headers) -> None:
    csp = {
        d.split(" ", 1)[0]: d
        for d in (part.strip() for part in headers["content-security-policy"].split(";"))
    }
    assert csp["script-src"] == "script-src 'self'"  # no 'unsafe-inline', no nonce needed
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-frame-options"] == "DENY"


async def test_pages_carry_the_security_headers(client: AsyncClient) -> None:
    response = await client.get("/sign-in")
    assert response.status_code == 200
    assert_protected(response.headers)
    assert "strict-transport-security" not in response.headers  # http: HSTS would be ignored anyway


async def test_api_answers_and_errors_carry_them_too(client: AsyncClient) -> None:
    user = await make_user("publisher")
    ok = await client.get("/api/v1/organisations", headers=await bearer(user))
    assert ok.status_code == 200
    assert_protected(ok.headers)
    assert_protected((await client.get("/api/v1/organisations")).headers)  # 401
    assert_protected((await client.get("/no-such-page")).headers)  # 404


async def test_hsts_when_served_over_https() -> None:
    settings = dataclasses.replace(
        Settings.from_env(),
        base_url="https://charter.example.gov.uk",
        allowed_hosts=("charter.example.gov.uk",),
    )
    app = create_app(settings)
    async with AsyncClient(
        transport=ASGITransport(app=app), base_url="https://charter.example.gov.uk"
    ) as c:
        response = await c.get("/sign-in")
    assert response.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    assert_protected(response.headers)
