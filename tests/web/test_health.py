"""/healthz answers only when the database answers."""

from httpx import AsyncClient

from app.db import engine


async def test_healthz_reports_ok_when_database_answers(client: AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_healthz_fails_when_database_does_not_answer(
    client: AsyncClient, monkeypatch
) -> None:
    db = engine()

    async def broken(*args, **kwargs):
        raise ConnectionRefusedError("database is down")

    # The database itself is made unreachable; the route under test runs for real.
    monkeypatch.setattr(type(db), "run_ddl", broken)
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert "database unavailable" in response.json()["detail"]


async def test_every_answer_carries_security_headers(client: AsyncClient) -> None:
    response = await client.get("/healthz")
    csp = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
