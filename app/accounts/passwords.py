"""argon2id password hashing, run off the event loop with a cap on concurrent hashes."""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.accounts import argon2_verify

# RFC 9106 second recommended option / OWASP: argon2id, t=3, m=64 MiB, p=4.
HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4, hash_len=32, salt_len=16)


def _lower_priority() -> None:
    """argon2 saturates the cores it is given. Its thread (and the lane threads libargon2 starts
    from it, which inherit this) runs only when nothing else wants the CPU: Linux's SCHED_IDLE,
    which also lets a waking request thread preempt it at once. Lowering the nice value alone
    left pages 4-5x slower during a burst of sign-ins; elsewhere that is the fallback."""
    thread = threading.get_native_id()
    try:
        os.sched_setscheduler(thread, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, thread, 19)


# One hash at a time (each holds 64 MiB): a burst of sign-ins queues here instead of exhausting
# memory. The lanes argon2 computes in parallel run in threads that inherit the low priority.
_HASHING = ThreadPoolExecutor(
    max_workers=1, thread_name_prefix="argon2", initializer=_lower_priority
)


async def _off_loop(function: Any, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(_HASHING, function, *args)


# A real hash of a random password, verified against when the account does not exist,
# so that a wrong email costs the same time as a wrong password.
_DUMMY_HASH = HASHER.hash("charter-dummy-password-never-used")


def hash_sync(password: str) -> str:
    return HASHER.hash(password)


async def hash_password(password: str) -> str:
    return str(await _off_loop(HASHER.hash, password))


def _verify(stored: str | None, password: str) -> bool:
    """Signing in verifies on this thread alone (see argon2_verify); a hash of another kind, from
    another time or system, is left to argon2-cffi."""
    encoded = stored or _DUMMY_HASH
    try:
        if argon2_verify.verifiable_here(encoded):
            return argon2_verify.verify(encoded, password) and stored is not None
        return HASHER.verify(encoded, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    return bool(await _off_loop(_verify, stored, password))


def needs_rehash(stored: str) -> bool:
    return HASHER.check_needs_rehash(stored)
