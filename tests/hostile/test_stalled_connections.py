"""`charter serve` does not hold a stalled connection for ever: headers sent in part (or a byte at
a time) are cut off once the header time-out has passed since their first byte, a body that
stops arriving once the body time-out has passed without a byte, and past the connection limit
a new request is refused (503) rather than queued; a server given short limits here."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.hostile.server import Server, server_on_new_database

HEADER_TIMEOUT = 1.0
BODY_TIMEOUT = 1.0
MAX_CONNECTIONS = 8
SLACK = 1.5  # the loop's timer and a busy machine


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    async with server_on_new_database(tmp_path, "sqlite") as server:
        (tmp_path / "no-frameworks").mkdir()
        server.extra_env = {"CHARTER_FRAMEWORKS_DIR": str(tmp_path / "no-frameworks")}
        server.serve_options = (
            *("--header-timeout", str(HEADER_TIMEOUT), "--body-timeout", str(BODY_TIMEOUT)),
            *("--max-connections", str(MAX_CONNECTIONS)),
        )
        server.seed()
        await server.start()
        yield server


async def seconds_until_closed(
    server: Server, first: bytes, trickle: bytes = b"", every: float = 0.2
) -> float:
    """Sends `first`, then `trickle` a byte at a time every `every` seconds; how long until the
    server closes the connection (at most 15 s)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    started = time.monotonic()
    writer.write(first)
    await writer.drain()

    async def dribble() -> None:
        for byte in trickle:
            await asyncio.sleep(every)
            writer.write(bytes([byte]))
            await writer.drain()

    sending = asyncio.create_task(dribble())
    try:
        async with asyncio.timeout(15):
            while await reader.read(4096):
                pass
    finally:
        sending.cancel()
        writer.close()
    return time.monotonic() - started


def head(server: Server, extra: str = "") -> str:
    return f"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n{extra}"


async def test_partial_headers_are_cut_off(server: Server) -> None:
    waited = await seconds_until_closed(server, head(server).encode())
    print(f"partial headers: closed after {waited:.2f} s")
    assert waited < HEADER_TIMEOUT + SLACK


async def test_headers_sent_a_byte_at_a_time_are_cut_off(server: Server) -> None:
    trickle = ("X-Slow: " + "a" * 200).encode()  # a byte every 0.2 s would take 40 s
    waited = await seconds_until_closed(server, head(server).encode(), trickle)
    print(f"headers a byte at a time: closed after {waited:.2f} s")
    assert waited < HEADER_TIMEOUT + SLACK


async def test_a_stalled_body_is_cut_off(server: Server) -> None:
    first = head(server, "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
    waited = await seconds_until_closed(server, first.encode())
    print(f"stalled body: closed after {waited:.2f} s")
    assert waited < BODY_TIMEOUT + SLACK


async def test_a_slow_but_steady_body_is_read(server: Server) -> None:
    """A byte every half the body time-out: slow, but not stalled, so it is answered."""
    body = b'{"email": "a@example.org", "password": "wrong"}'
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        head(
            server, f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
    )
    for start in range(0, len(body), 8):
        writer.write(body[start : start + 8])
        await writer.drain()
        await asyncio.sleep(BODY_TIMEOUT / 2)
    answer = await asyncio.wait_for(reader.read(4096), 10)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]


async def test_past_the_connection_limit_a_request_is_refused_then_served_again(
    server: Server,
) -> None:
    stalled = [
        await asyncio.open_connection("127.0.0.1", server.port) for _ in range(MAX_CONNECTIONS)
    ]
    for _, writer in stalled:
        writer.write(head(server).encode())
        await writer.drain()
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        refused = await client.get("/healthz")
        assert refused.status_code == 503
        await asyncio.sleep(HEADER_TIMEOUT + SLACK)  # the stalled ones are cut off
        assert (await client.get("/healthz")).status_code == 200
    for _, writer in stalled:
        writer.close()
