"""The demo is loaded once for this folder, through the command line (as `./dev serve` does), into
the run's empty database. These tests only read it, so instead of emptying the tables after each
test (the root conftest's way) they are emptied once, after the last test here."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app import db
from app.piccolo_app import TABLES
from tests.demo.support import charter


@pytest.fixture(autouse=True)
async def empty_tables(database: None) -> AsyncIterator[None]:
    """Overrides the root fixture: the demo stays loaded from one test to the next."""
    yield


@pytest.fixture(scope="package")
async def demo(database: None) -> AsyncIterator[str]:
    """What `charter demo --if-empty` printed when it filled the empty database."""
    result = charter("demo", "--if-empty")
    assert result.returncode == 0, result.stderr
    yield result.stdout
    if db.is_postgres():
        names = ", ".join(t._meta.tablename for t in TABLES)
        await db.engine().run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    else:
        for table in reversed(TABLES):
            await table.delete(force=True)
