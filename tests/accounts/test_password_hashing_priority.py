"""Password hashing must not slow everyone else down during a burst of sign-ins."""

from __future__ import annotations

import os
import sys

import pytest

from app.accounts import passwords


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SCHED_IDLE is Linux's")
async def test_hashing_runs_only_when_nothing_else_wants_the_cpu() -> None:
    policy = await passwords._off_loop(os.sched_getscheduler, 0)
    assert policy == os.SCHED_IDLE


async def test_hashing_still_verifies_passwords_at_that_priority() -> None:
    stored = await passwords.hash_password("correct horse battery staple again")
    assert await passwords.verify_password(stored, "correct horse battery staple again")
    assert not await passwords.verify_password(stored, "correct horse battery staple agai")
