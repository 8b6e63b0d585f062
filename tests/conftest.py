"""Test fixtures: one database per run (SQLite by default, PostgreSQL when CHARTER_DATABASE_URL says),
built by the real migrations, emptied after each test; the real app behind an HTTP test client."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

_RUN_DIR = Path(tempfile.mkdtemp(prefix="charter-tests-"))
os.environ.setdefault("CHARTER_DATABASE_URL", f"sqlite:///{_RUN_DIR / 'charter.sqlite3'}")
os.environ["CHARTER_VAR_DIR"] = str(_RUN_DIR / "var")
os.environ["CHARTER_EVIDENCE_DIR"] = str(_RUN_DIR / "var" / "evidence")
os.environ.setdefault("CHARTER_SECRET_KEY", "test-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("PICCOLO_CONF", "app.piccolo_conf")
# Two-factor is asked of no one unless a test turns it on (tests/accounts/test_two_factor*.py).
os.environ.setdefault("CHARTER_2FA_ROLES", "")

import httpx  # noqa: E402
from litestar import Litestar  # noqa: E402

from app import db  # noqa: E402
from app.main import create_app  # noqa: E402
from app.migrations import migrate  # noqa: E402
from app.piccolo_app import TABLES  # noqa: E402
from app.settings import Settings  # noqa: E402


@pytest.fixture(scope="session")
def run_dir() -> Path:
    return _RUN_DIR


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session", autouse=True)
async def database() -> AsyncIterator[None]:
    await db.start()
    await migrate()
    yield
    await db.stop()


@pytest.fixture(autouse=True)
async def empty_tables(database: None) -> AsyncIterator[None]:
    yield
    if db.is_postgres():
        names = ", ".join(t._meta.tablename for t in TABLES)
        await db.engine().run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    else:
        for table in reversed(TABLES):
            await table.delete(force=True)


@pytest.fixture(scope="session")
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """Requests run in the test's own event loop, so they share the session's database pool."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield c
