"""Evidence altered on disk is never served as if intact: against a real server, a download of a
file edited in place (same length), lengthened or shortened is cut off before its end (the
client sees an incomplete transfer, never a complete wrong file), a missing one is refused, each
is logged and audited; `charter evidence verify` names each such file and exits 1."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.evidence import samples
from tests.hostile.server import REPO, Server, server_on_new_database
from tests.scratch_databases import run_kind

CHUNK = 1024 * 1024  # the server reads and sends a stored file in chunks of this size
SIZE = 3 * CHUNK + 1234


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    async with server_on_new_database(tmp_path, run_kind()) as server:
        yield server


def _document(n: int) -> bytes:
    body = samples.pdf(f"Policy number {n}")
    return body + b"\n%" + b"x" * (SIZE - len(body) - 2)


def _blob(server: Server, content: bytes) -> Path:
    sha = hashlib.sha256(content).hexdigest()
    return server.evidence_dir / sha[:2] / sha[2:4] / sha


def _verify(server: Server) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "evidence", "verify"],
        cwd=REPO,
        env=server.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _download(api: httpx.AsyncClient, evidence_id: str) -> tuple[int, bytes, str]:
    """(status, the bytes received, how the transfer ended)."""
    received = b""
    try:
        async with api.stream("GET", f"/api/v1/evidence/{evidence_id}/file") as answer:
            async for chunk in answer.aiter_raw():
                received += chunk
        return answer.status_code, received, "complete"
    except httpx.TransportError as exc:
        return 200, received, f"cut off: {type(exc).__name__}"


async def test_altered_files_are_cut_off_audited_and_reported(server: Server) -> None:
    seeded: dict[str, Any] = server.seed()
    await server.start()
    documents = {
        name: _document(n) for n, name in enumerate(("same", "longer", "shorter", "gone", "intact"))
    }
    ids: dict[str, str] = {}
    async with httpx.AsyncClient(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {seeded['token']}"},
        timeout=httpx.Timeout(60),
    ) as api:
        for name, content in documents.items():
            stored = await api.post(
                "/api/v1/evidence",
                data={"organisation": seeded["organisation"], "title": f"Policy {name}"},
                files={"file": (f"{name}.pdf", content, "application/pdf")},
            )
            assert stored.status_code == 201, stored.text
            ids[name] = stored.json()["id"]
        assert _verify(server).returncode == 0

        same = bytearray(documents["same"])
        same[len(same) // 2] ^= 0x01
        _blob(server, documents["same"]).write_bytes(bytes(same))
        _blob(server, documents["longer"]).write_bytes(documents["longer"] + b"more")
        _blob(server, documents["shorter"]).write_bytes(documents["shorter"][:-10])
        _blob(server, documents["gone"]).unlink()

        status, received, ending = await _download(api, ids["intact"])
        assert (status, ending) == (200, "complete") and received == documents["intact"]
        for name in ("same", "longer", "shorter"):
            status, received, ending = await _download(api, ids[name])
            assert ending.startswith("cut off"), (name, status, len(received), ending)
            assert len(received) < SIZE, name  # never the whole file
        missing = await api.get(f"/api/v1/evidence/{ids['gone']}/file")
        assert missing.status_code >= 400 and "missing" in missing.json()["detail"]

    checked = _verify(server)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    for name in ("same", "longer", "shorter", "gone"):
        assert ids[name] in checked.stdout, (name, checked.stdout)
    assert ids["intact"] not in checked.stdout
    assert "is missing" in checked.stdout and "more bytes" in checked.stdout
    assert "fewer bytes" in checked.stdout and "SHA-256 is" in checked.stdout
    assert "integrity failure" in server.log()
    print(checked.stdout)
