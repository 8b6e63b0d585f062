"""X-Forwarded-For is believed only from the proxies in CHARTER_TRUSTED_PROXIES (none by
default): a client that changes the header at each try still meets the per-address sign-in
limit, over HTTP to a real `charter serve`; behind a trusted proxy each forwarded address counts
apart. (The server's address starts one failure short of its limit, stored beforehand.)"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest

from app.accounts.throttle import PER_CLIENT
from tests.hostile.server import REPO, Server
from tests.scratch_databases import new_database

PEER = "127.0.0.1"
EARLIER_FAILURES = f"""
import asyncio, datetime as dt
from app import db
from app.accounts.tables import SignInAttempt

async def main():
    await db.start()
    now = dt.datetime.now(dt.UTC)
    rows = [SignInAttempt(email=f"earlier{{n}}@example.org", client="{PEER}", at=now)
            for n in range({PER_CLIENT - 1})]
    await SignInAttempt.insert(*rows)
    await db.stop()

asyncio.run(main())
"""

Started = Callable[[dict[str, str]], AbstractAsyncContextManager[Server]]


@pytest.fixture
def started(tmp_path: Path) -> Started:
    @asynccontextmanager
    async def start(env: dict[str, str]) -> AsyncIterator[Server]:
        async with new_database(tmp_path, "sqlite") as url:
            server = Server(database_url=url, home=tmp_path / "var", serve_options=())
            server.home.mkdir()
            (tmp_path / "no-frameworks").mkdir()
            server.extra_env = {"CHARTER_FRAMEWORKS_DIR": str(tmp_path / "no-frameworks"), **env}
            try:
                server.seed()
                done = subprocess.run(
                    [sys.executable, "-c", EARLIER_FAILURES],
                    cwd=REPO,
                    env=server.env(),
                    capture_output=True,
                    check=False,
                )
                assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
                await server.start()
                yield server
            finally:
                server.kill()

    return start


async def failed_sign_ins(server: Server, count: int) -> list[int]:
    """`count` wrong passwords, each for another email and from another claimed address."""
    statuses = []
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
        for n in range(count):
            answer = await client.post(
                "/api/v1/auth/login",
                json={"email": f"someone{n}@example.org", "password": "not the password"},
                headers={"X-Forwarded-For": f"203.0.113.{n % 250 + 1}"},
            )
            statuses.append(answer.status_code)
    return statuses


async def test_a_changed_header_does_not_reset_the_limit(started: Started) -> None:
    async with started({}) as server:
        statuses = await failed_sign_ins(server, 3)
    assert statuses == [401, 429, 429]


async def test_behind_a_trusted_proxy_the_forwarded_address_counts(started: Started) -> None:
    async with started({"CHARTER_TRUSTED_PROXIES": f"10.0.0.0/8, {PEER}"}) as server:
        statuses = await failed_sign_ins(server, 3)
    assert statuses == [401, 401, 401]
