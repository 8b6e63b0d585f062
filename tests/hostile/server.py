"""A real Charter server for fault tests: `uvicorn app.main:create_app --factory` in a subprocess
on 127.0.0.1 and a free port, over its own database and evidence folder, that a test can kill
with SIGKILL and start again on the same data."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.scratch_databases import new_database

REPO = Path(__file__).resolve().parents[2]
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    database_url: str
    home: Path  # var dir; evidence under home/evidence; the server's output in home/server.log
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    # None: run uvicorn itself; a tuple: run `charter serve` with these options added, as
    # production does (its time-outs, connection limit and protocol)
    serve_options: tuple[str, ...] | None = None

    @property
    def evidence_dir(self) -> Path:
        return self.home / "evidence"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CHARTER_DATABASE_URL": self.database_url,
            "CHARTER_VAR_DIR": str(self.home),
            "CHARTER_EVIDENCE_DIR": str(self.evidence_dir),
            "CHARTER_SECRET_KEY": "fault-test-secret-key-0123456789-0123456789",
            "CHARTER_BASE_URL": self.base_url,
            "CHARTER_ALLOWED_HOSTS": f"127.0.0.1,127.0.0.1:{self.port}",
            "PICCOLO_CONF": "app.piccolo_conf",
            **self.extra_env,
        }

    def seed(self, module: str = "tests.hostile.fault_seed") -> dict[str, Any]:
        """Migrate and fill the database (by default tests/hostile/fault_seed.py); its JSON
        summary."""
        done = subprocess.run(
            [sys.executable, "-m", module],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
        return json.loads(done.stdout.decode().strip().splitlines()[-1])

    async def start(self) -> None:
        self.port = free_port()
        log = (self.home / "server.log").open("ab")
        self.process = subprocess.Popen(
            self._command(),
            cwd=REPO,
            env=self.env(),
            stdout=log,
            stderr=log,
        )
        log.close()
        async with asyncio.timeout(START_SECONDS), httpx.AsyncClient() as client:
            while True:
                assert self.process.poll() is None, f"the server exited:\n{self.log()}"
                try:
                    if (await client.get(f"{self.base_url}/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)

    def _command(self) -> list[str]:
        if self.serve_options is not None:
            return [
                *(sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"),
                *("--port", str(self.port), *self.serve_options),
            ]
        return [
            *(sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"),
            *("--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"),
            # As `charter serve`: forwarded headers are the app's to trust (CHARTER_TRUSTED_PROXIES).
            *("--no-access-log", "--no-proxy-headers"),
        ]

    def rss_mib(self) -> float:
        """The server process's resident memory now (VmRSS), in MiB."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(kib) / 1024

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing; whatever was in flight is cut off."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def children(self) -> list[int]:
        """The ids of the processes the server started (its PDF renderers), from /proc."""
        assert self.process is not None
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def log(self) -> str:
        path = self.home / "server.log"
        return path.read_text(errors="replace")[-5000:] if path.exists() else ""


@asynccontextmanager
async def server_on_new_database(folder: Path, kind: str) -> AsyncIterator[Server]:
    """A Server (not yet started) over a new, empty database of `kind` and its own var folder
    in `folder`; killed afterwards if a test started it."""
    async with new_database(folder, kind) as url:
        server = Server(database_url=url, home=folder / "var")
        server.home.mkdir()
        try:
            yield server
        finally:
            server.kill()
