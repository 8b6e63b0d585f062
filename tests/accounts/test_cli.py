"""`charter users create --password-stdin` (how the first admin is made) and
`charter tokens create`."""

from __future__ import annotations

from httpx import AsyncClient

from app.accounts.tables import ApiToken, User
from app.accounts.tokens import token_hash
from tests.command import charter

PASSPHRASE = "glass orbit lantern pickle"


async def test_first_admin_is_created_from_the_command_line_and_can_sign_in_and_get_a_token(
    client: AsyncClient,
) -> None:
    result = charter(
        "users",
        "create",
        "--email",
        "Admin@Example.gov.uk",
        "--name",
        "First Admin",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSPHRASE + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Created user admin@example.gov.uk (admin)"
    assert PASSPHRASE not in result.stdout + result.stderr
    login = await client.post(
        "/api/v1/auth/login", json={"email": "admin@example.gov.uk", "password": PASSPHRASE}
    )
    assert login.status_code == 200 and login.json()["user"]["role"] == "admin"

    issued = charter("tokens", "create", "--email", "admin@example.gov.uk", "--name", "exports")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    stored = (
        await ApiToken.select(ApiToken.name).where(ApiToken.token_hash == token_hash(token)).first()
    )
    assert stored == {"name": "exports"}  # only the hash is kept
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["user"]["email"] == "admin@example.gov.uk"


async def test_weak_password_on_the_command_line_is_refused_with_the_reason() -> None:
    result = charter(
        "users",
        "create",
        "--email",
        "admin@example.gov.uk",
        "--name",
        "First Admin",
        "--role",
        "admin",
        "--password-stdin",
        stdin="charter charter\n",
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: password: ")
    assert await User.count() == 0
