"""The `charter` command against a database that has never been migrated: `charter demo` migrates
it first; every other command that needs the tables says to run `charter migrate`, instead of
failing half way with a traceback about a missing table."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.scratch_databases import new_database, run_kind

ROOT = Path(__file__).resolve().parents[1]
TO_MIGRATE = "run `charter migrate` first"


@pytest.fixture
async def new_database_url(tmp_path: Path) -> AsyncIterator[str]:
    """A database of the run's kind that nothing has touched yet."""
    async with new_database(tmp_path, run_kind()) as url:
        yield url


def charter(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CHARTER_DATABASE_URL": database_url,
        "CHARTER_EVIDENCE_DIR": str(tmp_path / "evidence"),
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("audit", "verify"),
        ("frameworks", "list"),
        ("organisations", "create", "--slug", "hmrc", "--name", "HMRC", "--kind", "department"),
    ],
)
async def test_a_command_on_a_new_database_says_to_migrate_first(
    new_database_url: str, tmp_path: Path, args: tuple[str, ...]
) -> None:
    refused = charter(new_database_url, tmp_path, *args)
    assert refused.returncode == 1
    assert TO_MIGRATE in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "Warning" not in refused.stderr

    migrated = charter(new_database_url, tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    done = charter(new_database_url, tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert TO_MIGRATE not in done.stderr


async def test_demo_migrates_a_new_database_and_fills_it(
    new_database_url: str, tmp_path: Path
) -> None:
    result = charter(new_database_url, tmp_path, "demo")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "harbour-lantern-copper-kettle" in result.stdout
    again = charter(new_database_url, tmp_path, "audit", "verify")
    assert again.returncode == 0, again.stderr
