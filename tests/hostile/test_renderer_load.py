"""The PDF renderer under load, against a real server: many parallel board report requests get
no 5xx (a report is rendered once and kept; too many renders for one person is a 429 with
Retry-After), a certificate download meanwhile answers about as fast as when the server is idle,
and the renderer processes never outlive the server, however it ends."""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.hostile.server import Server, server_on_new_database
from tests.scratch_databases import run_kind

PARALLEL = 24
SLOWER_THAN_IDLE = 20  # times the idle floor a certificate download may take under load
GRACE_SECONDS = 0.5  # plus this, for scheduling on a busy two-core machine


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    async with server_on_new_database(tmp_path, run_kind()) as server:
        yield server


def client(server: Server, token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(
        base_url=server.base_url,
        headers=headers,
        timeout=httpx.Timeout(120),
        limits=httpx.Limits(max_connections=PARALLEL + 8),
    )


async def timed_download(public: httpx.AsyncClient, number: str) -> float:
    started = time.perf_counter()
    answer = await public.get(f"/api/v1/certificates/{number}.pdf")
    elapsed = time.perf_counter() - started
    assert answer.status_code == 200, answer.text
    assert answer.content.startswith(b"%PDF")
    return elapsed


async def test_parallel_reports_get_no_5xx_and_certificates_stay_prompt(server: Server) -> None:
    seeded: dict[str, Any] = server.seed("tests.hostile.render_seed")
    await server.start()
    number = seeded["certificate"]
    async with client(server) as public, client(server, seeded["token"]) as contributor:
        floor = min([await timed_download(public, number) for _ in range(5)])

        async def report(index: int) -> httpx.Response:
            assessment = seeded["assessments"][index % len(seeded["assessments"])]
            return await contributor.get(f"/api/v1/assessments/{assessment}/report.pdf")

        reports = [asyncio.create_task(report(i)) for i in range(PARALLEL)]
        await asyncio.sleep(0.5)  # the renders are under way
        under_load = [await timed_download(public, number) for _ in range(5)]
        answers = await asyncio.gather(*reports)

    statuses = sorted(a.status_code for a in answers)
    assert all(s in (200, 429) for s in statuses), statuses
    assert statuses.count(200) >= len(seeded["assessments"]) * (PARALLEL // 6), statuses
    for refused in (a for a in answers if a.status_code == 429):
        assert int(refused.headers["retry-after"]) > 0
        assert "shortly" in refused.json()["detail"]
    # The median: one download may meet a moment of the machine's other work.
    typical = statistics.median(under_load)
    assert typical < floor * SLOWER_THAN_IDLE + GRACE_SECONDS, (floor, under_load)

    # Kept: asking again answers at once with the same bytes.
    async with client(server, seeded["token"]) as contributor:
        first = next(a for a in answers if a.status_code == 200)
        again = await contributor.get(str(first.request.url.path))
    assert again.status_code == 200 and again.content == first.content
    print(f"floor {floor:.3f}s, under load {statistics.median(under_load):.3f}s, {statuses}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has exited; it only waits for its (gone) parent's init to reap it
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def _renderers_started(server: Server, token: str, assessment: str) -> list[int]:
    async with client(server, token) as contributor:
        answer = await contributor.get(f"/api/v1/assessments/{assessment}/report.pdf")
    assert answer.status_code == 200, answer.text
    children = server.children()
    assert children, "rendering started a worker process"
    return children


async def _gone(pids: list[int], seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        await asyncio.sleep(0.1)
    return [p for p in pids if _alive(p)]


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
async def test_renderers_end_with_the_server(server: Server, how: signal.Signals) -> None:
    seeded: dict[str, Any] = server.seed("tests.hostile.render_seed")
    await server.start()
    children = await _renderers_started(server, seeded["token"], seeded["assessments"][1])
    assert server.process is not None
    server.process.send_signal(how)
    server.process.wait(timeout=20)
    assert await _gone(children) == [], "renderer processes outlived the server"
