"""`charter serve` on a port of its own, through the real command: without CHARTER_BASE_URL, what
it writes for people to follow (the demo's printed links, a certificate's verify link, a league
table's source) names the address it serves on, not a fixed :8000."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.app_process import stop, wait_until_healthy
from tests.certificates.support import pdf_text
from tests.scratch_databases import new_database, run_kind

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    async with new_database(tmp_path, run_kind()) as url:
        yield url


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """`charter serve --demo-if-empty --port P` (as `./dev serve --port P` runs it) on an empty
    database: its address and every line it printed before it started serving."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CHARTER_BASE_URL", "CHARTER_ALLOWED_HOSTS", "CHARTER_HOST", "CHARTER_PORT")
    }
    env.update(
        CHARTER_DATABASE_URL=database_url,
        CHARTER_VAR_DIR=str(tmp_path / "var"),
        CHARTER_EVIDENCE_DIR=str(tmp_path / "var" / "evidence"),
    )
    command = [sys.executable, "-m", "app.cli", "serve", "--demo-if-empty", "--port", str(port)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    printed: list[str] = []
    try:
        for line in process.stdout:
            printed.append(line.rstrip("\n"))
            if line.startswith("Charter is serving on"):
                break
        address = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(process, address, seconds=60)
        except RuntimeError:
            raise AssertionError("\n".join(printed)) from None
        yield address, printed
    finally:
        stop(process)


def test_serve_on_another_port_writes_its_own_address(served: tuple[str, list[str]]) -> None:
    address, printed = served
    output = "\n".join(printed)
    assert f"Charter is serving on {address}" in output
    links = [word for line in printed for word in line.split() if word.startswith("http")]
    assert f"{address}/sign-in" in links
    assert all(link == address or link.startswith(f"{address}/") for link in links), links
    assert ":8000" not in output

    certificate = next(link for link in links if "/verify/" in link)
    certificate_id = certificate.rsplit("/", 1)[1]
    pdf = httpx.get(f"{address}/api/v1/certificates/{certificate_id}.pdf", timeout=60)
    assert pdf.status_code == 200
    assert f"{address}/verify/{certificate_id}" in pdf_text(pdf.content).replace("\n", "")

    table = next(link for link in links if "/league-tables/" in link)
    table_id = table.rsplit("/", 1)[1]
    pdf = httpx.get(f"{address}/api/v1/league-tables/{table_id}.pdf", timeout=60)
    assert pdf.status_code == 200
    assert f"{address}/league-tables/{table_id}" in pdf_text(pdf.content).replace("\n", "")
