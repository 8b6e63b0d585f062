"""argon2id password hashing, run off the event loop with a cap on concurrent hashes."""

from __future__ import annotations

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# RFC 9106 second recommended option / OWASP: argon2id, t=3, m=64 MiB, p=4.
HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4, hash_len=32, salt_len=16)

# Each hash holds 64 MiB: a burst of sign-ins queues here instead of exhausting memory.
_LIMITER = anyio.CapacityLimiter(2)

# A real hash of a random password, verified against when the account does not exist,
# so that a wrong email costs the same time as a wrong password.
_DUMMY_HASH = HASHER.hash("charter-dummy-password-never-used")


def hash_sync(password: str) -> str:
    return HASHER.hash(password)


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(HASHER.hash, password, limiter=_LIMITER)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    return await anyio.to_thread.run_sync(_verify, stored, password, limiter=_LIMITER)


def needs_rehash(stored: str) -> bool:
    return HASHER.check_needs_rehash(stored)
