"""A Charter server started as a real process for a test: waiting until it answers /healthz, and
stopping it however it ends."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx


def wait_until_healthy(process: subprocess.Popen, url: str, seconds: float = 30) -> None:
    """Return once `url`/healthz answers 200; raise if the process ends or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start on {url}")
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@contextmanager
def serving(
    command: Sequence[str], url: str, env: Mapping[str, str], cwd: Path
) -> Iterator[subprocess.Popen]:
    """The process running `command`, once it serves `url`; stopped afterwards."""
    process = subprocess.Popen(list(command), cwd=cwd, env=dict(env))
    try:
        wait_until_healthy(process, url)
        yield process
    finally:
        stop(process)
