"""Throttling of failed sign-ins, per account and per client address, on the API and the page,
without revealing whether an account exists."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient

from app.accounts import throttle
from app.accounts.tables import SignInAttempt
from tests.accounts.support import error_summary, sign_in_with_form
from tests.factories import PASSWORD, make_user

CLIENT = "127.0.0.1"  # the test client's address
WRONG = "not the right password at all"


async def earlier_failures(
    count: int,
    email: str = "someone@example.gov.uk",
    client: str = "198.51.100.7",
    minutes_ago: int = 1,
) -> None:
    """Failures recorded as other app processes would have recorded them."""
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
    await SignInAttempt.insert(
        *(SignInAttempt(email=email, client=client, at=at) for _ in range(count))
    )


async def login(client: AsyncClient, email: str, password: str = PASSWORD):
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


async def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client: AsyncClient,
) -> None:
    user = await make_user("admin")
    await earlier_failures(throttle.PER_ACCOUNT - 1, email=user["email"])
    last_try = await login(client, user["email"], WRONG)
    assert last_try.status_code == 401

    response = await login(client, user["email"])
    assert response.status_code == 429
    assert response.json()["detail"] == (
        "You have tried to sign in too many times. Wait 15 minutes, then try again."
    )
    assert "charter_session" not in response.cookies


async def test_throttling_counts_failures_from_every_address(client: AsyncClient) -> None:
    user = await make_user("admin")
    await earlier_failures(throttle.PER_ACCOUNT // 2, email=user["email"], client="198.51.100.7")
    await earlier_failures(
        throttle.PER_ACCOUNT - throttle.PER_ACCOUNT // 2, email=user["email"], client="203.0.113.9"
    )
    assert (await login(client, user["email"])).status_code == 429


async def test_an_unknown_email_is_throttled_exactly_like_a_real_one(client: AsyncClient) -> None:
    user = await make_user("admin")
    unknown = "nobody@example.gov.uk"
    await earlier_failures(throttle.PER_ACCOUNT, email=user["email"])
    await earlier_failures(throttle.PER_ACCOUNT, email=unknown)
    real, fake = await login(client, user["email"]), await login(client, unknown, WRONG)
    assert real.status_code == fake.status_code == 429
    assert real.json() == fake.json()


async def test_failures_older_than_the_window_do_not_count(client: AsyncClient) -> None:
    user = await make_user("admin")
    await earlier_failures(throttle.PER_ACCOUNT * 2, email=user["email"], minutes_ago=16)
    assert (await login(client, user["email"])).status_code == 200


async def test_one_address_trying_many_accounts_is_throttled(client: AsyncClient) -> None:
    user = await make_user("admin")
    for n in range(throttle.PER_CLIENT):
        await earlier_failures(1, email=f"guess-{n}@example.gov.uk", client=CLIENT)
    response = await login(client, user["email"])
    assert response.status_code == 429
    # Someone else, elsewhere, is not affected by that address's failures.
    await SignInAttempt.delete().where(SignInAttempt.client == CLIENT)
    assert (await login(client, user["email"])).status_code == 200


async def test_each_failure_is_recorded_and_success_clears_the_accounts_count(
    client: AsyncClient,
) -> None:
    user = await make_user("admin")
    await login(client, user["email"], WRONG)
    await login(client, user["email"].upper(), WRONG)  # same account, however it is typed
    rows = await SignInAttempt.select().where(SignInAttempt.email == user["email"])
    assert len(rows) == 2 and {r["client"] for r in rows} == {CLIENT}
    assert (await login(client, user["email"])).status_code == 200
    assert await SignInAttempt.count().where(SignInAttempt.email == user["email"]) == 0


async def test_sign_in_page_shows_the_throttling_message(client: AsyncClient) -> None:
    user = await make_user("admin")
    await earlier_failures(throttle.PER_ACCOUNT, email=user["email"])
    response = await sign_in_with_form(client, user["email"])
    assert response.status_code == 429
    assert error_summary(response) == [throttle.MESSAGE]
    assert "charter_session" not in response.cookies
