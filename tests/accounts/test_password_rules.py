"""Password rules (NCSC, NIST SP 800-63B): long enough, not too long, not common, no composition
rules;
and hashes made with weaker parameters are upgraded at sign-in."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from httpx import AsyncClient

from app.accounts.password_rules import (
    MAX_LENGTH,
    MIN_LENGTH,
    PERSONAL,
    SERVICE_NAME,
    TOO_COMMON,
    deny_list,
    password_problem,
)
from app.accounts.passwords import HASHER
from app.accounts.tables import User
from tests.factories import bearer, make_user


@pytest.mark.parametrize(
    "password",
    [
        "glass orbit lantern pickle",
        "correct-horse-battery-fridge",
        "alllowercasenospaces",  # no composition rules: no digit, symbol or capital needed
        "3141592653589793238",
        "Ünïcödé pässphräse wörks",
        "tangerine submarine " * 12,  # long phrases and password managers are welcome
    ],
)
def test_long_uncommon_passwords_are_accepted(password: str) -> None:
    assert password_problem(password) is None


def test_length_limits_are_15_and_256() -> None:
    fifteen = "glass orbit lan"
    assert len(fifteen) == MIN_LENGTH and password_problem(fifteen) is None
    assert "15 characters or more" in (password_problem(fifteen[:-1]) or "")
    long_enough = "glass orbit lantern pickle " * 10
    assert password_problem(long_enough[:MAX_LENGTH]) is None
    assert (
        password_problem(long_enough[:MAX_LENGTH] + "x")
        == "Password must be 256 characters or fewer"
    )
    # A megabyte is refused by its length alone, whatever else is wrong with it.
    assert password_problem("a" * 1_000_000) == "Password must be 256 characters or fewer"


@pytest.mark.parametrize(
    "password",
    [
        "passwordpassword",  # repeated
        "Password Password Password",
        "password123456789",  # padded with digits
        "!!!password2026!!!",
        "P@ssw0rdP@ssw0rd",  # look-alike digits
        "qwertyuiopasdfghjkl",  # keyboard walk
        "1q2w3e4r5t6y7u8i9o0p",
        "zxcvbnmasdfghjkl",
        "abcdefghijklmnop",  # sequences, either way
        "987654321098765",
        "123456789012345",
        "aaaaaaaaaaaaaaaaaaaa",
        "abababababababab",
        "iloveyouiloveyou",
        "correct horse battery staple",  # famous examples are famous to attackers too
        "monkey123monkey123",
    ],
)
def test_common_and_guessable_passwords_are_refused(password: str) -> None:
    assert password_problem(password) == TOO_COMMON


@pytest.mark.parametrize(
    "password", ["I love Charter 2026!", "charter-admin-1234", "my charter account"]
)
def test_passwords_built_on_the_service_name_are_refused(password: str) -> None:
    assert password_problem(password) in (SERVICE_NAME, TOO_COMMON)
    assert password_problem(password) == SERVICE_NAME or "charter" not in password.lower()


def test_a_long_phrase_that_mentions_the_service_is_fine() -> None:
    assert password_problem("Charter is my favourite lighthouse keeper") is None


def test_passwords_built_on_the_persons_name_or_email_are_refused() -> None:
    email, name = "ada.lovelace@example.gov.uk", "Ada Lovelace"
    assert password_problem("Ada Lovelace 1815!", email, name) == PERSONAL
    assert password_problem("adalovelace-analytical", email, name) is None
    assert password_problem("lovelace lovelace ada", email, name) == PERSONAL


def test_the_deny_list_is_shipped_and_small() -> None:
    words = deny_list()
    assert {"password", "charter", "qwertyuiop", "correcthorsebatterystaple"} <= words
    assert 200 < len(words) < 5000


async def test_api_refuses_a_common_password_naming_the_field(client: AsyncClient) -> None:
    admin = await make_user("admin")
    response = await client.post(
        "/api/v1/users",
        json={
            "email": "new@example.gov.uk",
            "name": "New Person",
            "role": "publisher",
            "password": "password password",
        },
        headers=await bearer(admin),
    )
    assert response.status_code == 422
    assert response.json()["problems"] == {"password": TOO_COMMON}
    assert not await User.exists().where(User.email == "new@example.gov.uk")


async def test_api_refuses_an_overlong_password_and_login_with_one_is_just_incorrect(
    client: AsyncClient,
) -> None:
    admin = await make_user("admin")
    response = await client.post(
        "/api/v1/users",
        json={
            "email": "new@example.gov.uk",
            "name": "New Person",
            "role": "publisher",
            "password": "glass orbit " * 100,
        },
        headers=await bearer(admin),
    )
    assert response.status_code == 422
    assert response.json()["problems"]["password"] == "Password must be 256 characters or fewer"
    login = await client.post(
        "/api/v1/auth/login", json={"email": admin["email"], "password": "x" * 100_000}
    )
    assert login.status_code == 401
    assert login.json()["detail"] == "Email or password is incorrect"


async def test_a_hash_made_with_weaker_parameters_is_upgraded_at_sign_in(
    client: AsyncClient,
) -> None:
    password = "glass orbit lantern pickle"
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(password)
    user = await make_user("publisher")
    await User.update({User.password_hash: weak}).where(User.id == user["id"])

    response = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": password}
    )

    assert response.status_code == 200
    stored = (await User.select(User.password_hash).where(User.id == user["id"]).first())[
        "password_hash"
    ]
    assert stored != weak
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert not HASHER.check_needs_rehash(stored)
    again = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": password}
    )
    assert again.status_code == 200
