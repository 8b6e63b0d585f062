"""A small HTTP/1.1 keep-alive client on asyncio streams, and a closed-loop load generator.

httpx costs several times more CPU per request than the server's cheapest route; on a 2-core
machine that would make the client, not the server, the thing measured. This client does only
what the benchmarks need: one request at a time per connection, Content-Length or chunked
answers, a body from bytes or streamed from a file. It only ever talks to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from bench.figures import percentile

HOST = "127.0.0.1"
FILE_CHUNK = 1024 * 1024


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k == name), None)

    def cookies(self) -> dict[str, str]:
        jar: dict[str, str] = {}
        for k, v in self.headers:
            if k == "set-cookie":
                parsed: SimpleCookie = SimpleCookie()
                parsed.load(v)
                jar.update({name: morsel.value for name, morsel in parsed.items()})
        return jar


class Connection:
    """One keep-alive connection to the server under test; reopens itself when the server closes."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.reader is None or self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port, limit=1 << 20)
        return self.reader, self.writer

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        body_file: Path | None = None,
    ) -> Reply:
        reader, writer = await self._open()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        length = body_file.stat().st_size if body_file is not None else len(body or b"")
        if method not in ("GET", "HEAD") or length:
            lines.append(f"Content-Length: {length}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if body_file is not None:
            with body_file.open("rb") as f:
                while chunk := f.read(FILE_CHUNK):
                    writer.write(chunk)
                    await writer.drain()
        elif body:
            writer.write(body)
        await writer.drain()
        reply = await self._read_reply(reader)
        if (reply.header("connection") or "").lower() == "close":
            await self.close()
        return reply

    async def _read_reply(self, reader: asyncio.StreamReader) -> Reply:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = []
        for line in header_lines:
            if ":" in line:
                k, v = line.split(":", 1)
                headers.append((k.strip().lower(), v.strip()))
        found = dict(headers)
        if "content-length" in found:
            body = await reader.readexactly(int(found["content-length"]))
        elif found.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            body = b"".join(parts)
        else:
            body = await reader.read()
            await self.close()
        return Reply(status, headers, body)


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


@dataclass
class Load:
    """What a closed loop measured: every latency in seconds, the answers' statuses, wall time."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # exceptions, by type
    elapsed: float = 0.0
    bodies_with: Counter[str] = field(default_factory=Counter)  # watched phrases seen in answers
    # Latencies of the warm-up requests, in the order they were answered; their answers are
    # counted in statuses, failures and bodies_with like the rest.
    cold: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def ms(self, p: float) -> float | None:
        value = percentile(self.latencies, p)
        return None if value is None else value * 1000

    @property
    def mean_ms(self) -> float | None:
        return sum(self.latencies) / len(self.latencies) * 1000 if self.latencies else None

    def errors(self, ok: tuple[int, ...] = (200,)) -> int:
        return sum(n for s, n in self.statuses.items() if s not in ok) + sum(self.failures.values())

    @classmethod
    def joined(cls, loads: list[Load]) -> Load:
        """Several loads taken in turns, as one (their wall times added)."""
        whole = cls()
        for load in loads:
            whole.latencies += load.latencies
            whole.statuses += load.statuses
            whole.failures += load.failures
            whole.bodies_with += load.bodies_with
            whole.elapsed += load.elapsed
        return whole

    def error_note(self, ok: tuple[int, ...] = (200,)) -> str:
        parts = [f"{s} x{n}" for s, n in sorted(self.statuses.items()) if s not in ok]
        parts += [f"{k} x{n}" for k, n in sorted(self.failures.items())]
        parts += [f"'{k}' x{n}" for k, n in sorted(self.bodies_with.items())]
        return ", ".join(parts)


Step = Callable[[Connection, int], Awaitable[Reply]]


async def closed_loop(
    port: int,
    step: Step,
    concurrency: int,
    seconds: float | None = None,
    per_client: int | None = None,
    watch: tuple[str, ...] = (),
    warm_up: int = 0,
) -> Load:
    """`concurrency` clients, each on its own connection, each sending its next request as soon
    as the last one is answered, until `seconds` have passed or each has sent `per_client`.
    `step(connection, client_number)` sends one request. With `warm_up`, each client first
    connects and sends that many requests (their latencies kept apart, in Load.cold), and the
    measured requests start once every client has."""
    assert seconds is not None or per_client is not None
    load = Load()
    warm = asyncio.Barrier(concurrency)
    start = deadline = 0.0

    async def send(connection: Connection, n: int, latencies: list[float]) -> None:
        began = time.perf_counter()
        try:
            reply = await step(connection, n)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            load.failures[type(exc).__name__] += 1
            await connection.close()
            return
        latencies.append(time.perf_counter() - began)
        load.statuses[reply.status] += 1
        for phrase in watch:
            if phrase.encode() in reply.body:
                load.bodies_with[phrase] += 1

    async def client(n: int) -> None:
        nonlocal start, deadline
        connection = Connection(port)
        sent = 0
        try:
            for _ in range(warm_up):
                await send(connection, n, load.cold)
            await warm.wait()
            if not start:  # the first client past the barrier starts the clock
                start = time.perf_counter()
                deadline = start + seconds if seconds is not None else float("inf")
            while time.perf_counter() < deadline and (per_client is None or sent < per_client):
                sent += 1
                await send(connection, n, load.latencies)
        finally:
            await connection.close()

    await asyncio.gather(*(client(n) for n in range(concurrency)))
    load.elapsed = time.perf_counter() - start
    return load
