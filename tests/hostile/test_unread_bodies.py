"""A large body is never read before its request is known to be allowed: a real server, sent
120 MB posts by callers who may not send them (signed out; signed in without the form's token;
a form or JSON larger than any the service takes), answers from the headers or the first bytes,
its memory stays within a few tens of MB of where it was, and nothing is spooled to its
temporary folder."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.factories import PASSWORD
from tests.hostile.server import Server, server_on_new_database

LARGE = 120 * 1024 * 1024
CHUNK = 1024 * 1024
BOUNDARY = "hostile-boundary"
ALLOWED_GROWTH_MIB = 40


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    async with server_on_new_database(tmp_path, "sqlite") as server:
        (server.home / "tmp").mkdir()
        server.extra_env = {"TMPDIR": str(server.home / "tmp")}
        yield server


async def post_large(
    server: Server, path: str, headers: dict[str, str], head: bytes, chunked: bool = False
) -> tuple[int, float]:
    """POSTs `head` and then LARGE bytes of one field's value, whatever the server answers
    meanwhile (it may read the rest or drop it, but must not keep it), unless it closes the
    connection. The status it answered and the highest RSS seen (MiB) while sending."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    tail = f"\r\n--{BOUNDARY}--\r\n".encode() if "multipart" in str(headers) else b""
    length = len(head) + LARGE + len(tail)
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    answer = asyncio.create_task(reader.read(4096))
    peak = server.rss_mib()
    piece = b"x" * CHUNK
    with contextlib.suppress(ConnectionError):
        writer.write(_framed(head, chunked))
        for _ in range(LARGE // CHUNK):
            writer.write(_framed(piece, chunked))
            await writer.drain()
            peak = max(peak, server.rss_mib())
        writer.write(_framed(tail, chunked) if tail else b"")
        if chunked:
            writer.write(b"0\r\n\r\n")
            await writer.drain()
    await asyncio.sleep(0.5)  # whatever was still buffered reaches the app
    peak = max(peak, server.rss_mib())
    first = await asyncio.wait_for(answer, 30)
    writer.close()
    match = re.match(rb"HTTP/1.1 (\d{3})", first)
    assert match, first[:200]
    return int(match.group(1)), peak


def _framed(data: bytes, chunked: bool) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n" if chunked else data


def text_part(name: str, value: str = "") -> bytes:
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}'.encode()


def file_part(name: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()


async def browser_cookies(server: Server, email: str | None = None) -> tuple[str, str]:
    """A Cookie header (the CSRF cookie, and a session when `email` is given) and the token."""
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        await client.get("/sign-in")
        token = client.cookies["charter_csrf"]
        if email is not None:
            signed_in = await client.post(
                "/sign-in", data={"email": email, "password": PASSWORD, "_csrf_token": token}
            )
            assert signed_in.status_code == 303, signed_in.text[:500]
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    return cookie, token


MULTIPART = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


async def test_large_posts_that_are_not_allowed_are_not_read(server: Server) -> None:
    seed: dict[str, Any] = server.seed()
    await server.start()
    anonymous, anonymous_token = await browser_cookies(server)
    signed_in, _ = await browser_cookies(server, seed["email"])
    for _ in range(3):  # the first requests of each kind settle the server's own memory
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            await client.get("/sign-in")
    before = server.rss_mib()

    cases: list[tuple[str, str, dict[str, str], bytes, bool, int]] = [
        # signed out, no cookies: a text field of 120 MB
        ("signed out", "/evidence/upload", MULTIPART, text_part("title"), False, 302),
        # signed out but with a valid form token: a 120 MB file after it
        (
            "signed out, with a token",
            "/evidence/upload",
            {**MULTIPART, "Cookie": anonymous},
            text_part("_csrf_token", anonymous_token) + b"\r\n" + file_part("file-1"),
            False,
            302,
        ),
        # signed in, but the form's first field is not its token
        (
            "signed in, no token",
            "/evidence/upload",
            {**MULTIPART, "Cookie": signed_in},
            text_part("title"),
            False,
            403,
        ),
        # a sign-in form of 120 MB: larger than any form the service takes
        (
            "form too large",
            "/sign-in",
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": anonymous},
            b"_csrf_token=" + anonymous_token.encode() + b"&email=",
            False,
            413,
        ),
        # the same as JSON, sent without a length
        (
            "JSON too large",
            "/api/v1/auth/login",
            {"Content-Type": "application/json"},
            b'{"email": "',
            True,
            413,
        ),
    ]
    for name, path, headers, head, chunked, expected in cases:
        status, peak = await post_large(server, path, headers, head, chunked)
        print(f"{name}: {status}, RSS {before:.0f} -> peak {peak:.0f} MiB")
        assert peak - before < ALLOWED_GROWTH_MIB, f"{name}: {before:.0f} -> {peak:.0f} MiB"
        assert status == expected, f"{name}: {status}\n{server.log()}"
    assert list((server.home / "tmp").iterdir()) == []
