"""The benchmark harness still fits the app: its generated framework loads, its bench-only routes
exist only in the benchmark's app, and its HTTP client and load loop work against a real server.
No timings are asserted: bench/run.py measures, these only check that it can."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn

from app.frameworks.loader import read_framework
from bench.bench_app import DRAIN, HELLO, create_bench_app
from bench.client import Connection, closed_loop
from bench.figures import Figure, table
from bench.seed import sixty_element_framework
from bench.server import free_port
from tests.factories import bearer, make_organisation, make_user


def test_generated_framework_loads_with_sixty_elements() -> None:
    loaded = read_framework(sixty_element_framework().encode(), "bench.yaml")
    assert len(loaded.framework.elements()) == 60


async def test_hello_and_drain_routes_exist_only_in_the_benchmark_app(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get(HELLO)).status_code == 404
    user = await make_user("dept_lead", await make_organisation())
    transport = httpx.ASGITransport(app=create_bench_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as bench:
        assert (await bench.get(HELLO)).json() == {"hello": "world"}
        drained = await bench.post(DRAIN, content=b"x" * 300_000, headers=await bearer(user))
    assert drained.status_code == 200
    assert drained.json() == {"received": 300_000}


@pytest.fixture
async def live_port(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[int]:
    """The benchmark's app served by a real uvicorn on 127.0.0.1, in this test's event loop."""
    port = free_port()
    monkeypatch.setenv("CHARTER_ALLOWED_HOSTS", f"127.0.0.1,127.0.0.1:{port}")
    config = uvicorn.Config(
        create_bench_app(), host="127.0.0.1", port=port, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    yield port
    server.should_exit = True
    await task


async def test_load_loop_counts_every_answer_from_a_real_server(live_port: int) -> None:
    async def step(connection: Connection, _: int):  # type: ignore[no-untyped-def]
        return await connection.request("GET", HELLO)

    load = await closed_loop(live_port, step, concurrency=3, per_client=4)
    assert load.count == 12
    assert dict(load.statuses) == {200: 12}
    assert load.errors() == 0


async def test_warm_up_requests_are_kept_apart_but_their_answers_still_count(
    live_port: int,
) -> None:
    """The benchmark's latencies leave out each client's first (cold) request; a failure in it
    must still show as an error."""
    seen: list[int] = []
    warm_answered = 0
    warm_answered_when_measuring_began: list[int] = []

    async def step(connection: Connection, n: int):  # type: ignore[no-untyped-def]
        nonlocal warm_answered
        seen.append(n)
        warm = seen.count(n) == 1
        if not warm:
            warm_answered_when_measuring_began.append(warm_answered)
        reply = await connection.request("GET", "/no-such-page" if warm and n == 0 else HELLO)
        warm_answered += warm
        return reply

    load = await closed_loop(live_port, step, concurrency=3, per_client=4, warm_up=1)
    assert len(load.cold) == 3
    assert load.count == 12
    # No measured request was sent before every client's warm-up had been answered.
    assert min(warm_answered_when_measuring_began) == 3
    assert dict(load.statuses) == {200: 14, 404: 1}
    assert load.errors() == 1


def test_table_marks_missed_targets_and_skipped_scenarios() -> None:
    shown = table(
        [
            Figure("page", "req/s", 250, "req/s", target=">= 400 req/s", passed=False),
            Figure("page", "cost", 3.0, "ms", 2.5, "floor", 1.2, "<= 1.5x", True),
            Figure("upload", "-", None, "", note="skipped: route missing"),
        ]
    )
    rows = shown.splitlines()
    assert "MISS" in rows[2] and "pass" in rows[3] and "1.20x" in rows[3]
    assert rows[4].endswith("skipped: route missing")


def test_a_server_with_workers_is_measured_with_every_process_below_it() -> None:
    import os
    import subprocess
    import sys

    from bench.server import cpu_seconds, process_tree, tree_cpu_seconds

    busy = "import time; end = time.process_time() + 1.5\nwhile time.process_time() < end: pass"
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys; subprocess.run([sys.executable, '-c', {busy!r}])",
        ]
    )
    try:
        while len(process_tree(parent.pid)) < 2 and parent.poll() is None:
            pass
        tree = process_tree(parent.pid)
        assert tree[0] == parent.pid and len(tree) == 2
        child = tree[1]
        while cpu_seconds(child) < 0.2:
            pass
        assert tree_cpu_seconds(parent.pid) >= cpu_seconds(child) >= 0.2
        assert os.getpid() not in tree
    finally:
        for pid in reversed(process_tree(parent.pid)):
            os.kill(pid, 9)
        parent.wait(timeout=30)
