"""Throttling of failed sign-ins, per account and per client address.

Failures are rows in the database, so every app process counts the same ones. The limits apply to
any email address typed, whether or not it has an account, so the refusal reveals nothing.
"""

from __future__ import annotations

import datetime as dt

from app.accounts.tables import SignInAttempt
from app.errors import DomainError

WINDOW = dt.timedelta(minutes=15)
PER_ACCOUNT = 10  # failures on one email address within WINDOW
PER_CLIENT = 50  # failures from one address within WINDOW, whichever emails were tried
KEEP = dt.timedelta(days=1)  # older failures are deleted as new ones arrive

MESSAGE = "You have tried to sign in too many times. Wait 15 minutes, then try again."


class TooManyAttempts(DomainError):
    status_code = 429

    def __init__(self) -> None:
        super().__init__(MESSAGE)


def _client(address: str | None) -> str:
    return (address or "unknown")[:64]


async def check(email: str, client: str | None) -> None:
    """Raise TooManyAttempts when this email or this client has failed too often recently."""
    since = dt.datetime.now(dt.UTC) - WINDOW
    recent = SignInAttempt.at > since
    by_account = await SignInAttempt.count().where(recent & (SignInAttempt.email == email[:320]))
    if by_account >= PER_ACCOUNT:
        raise TooManyAttempts()
    by_client = await SignInAttempt.count().where(
        recent & (SignInAttempt.client == _client(client))
    )
    if by_client >= PER_CLIENT:
        raise TooManyAttempts()


async def record_failure(email: str, client: str | None) -> None:
    now = dt.datetime.now(dt.UTC)
    await SignInAttempt.insert(SignInAttempt(email=email[:320], client=_client(client), at=now))
    await SignInAttempt.delete().where(SignInAttempt.at < now - KEEP)


async def clear(email: str) -> None:
    """A successful sign-in forgives the account's earlier failures (not the client's)."""
    await SignInAttempt.delete().where(SignInAttempt.email == email[:320])
