"""Databases nothing has touched yet, for tests that need a whole database of their own: a new
SQLite file, or a new database on the PostgreSQL server the run uses (dropped afterwards)."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest


def postgres_url() -> str | None:
    url = os.environ.get("CHARTER_DATABASE_URL", "")
    return url if url.startswith(("postgresql://", "postgres://")) else None


def run_kind() -> str:
    """The kind of database this test run uses."""
    return "postgresql" if postgres_url() else "sqlite"


async def create_postgres_database(url: str) -> str:
    """A new empty database on the server `url` names; its URL."""
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'charter'}_scratch_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


async def drop_postgres_database(url: str) -> None:
    parts = urlsplit(url)
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
    finally:
        await admin.close()


@asynccontextmanager
async def new_database(folder: Path, kind: str) -> AsyncIterator[str]:
    """The URL of a new, empty database of `kind` (sqlite: a file in `folder`); a PostgreSQL one
    is skipped unless the run uses PostgreSQL, and dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'charter.sqlite3'}"
        return
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL variant: CHARTER_DATABASE_URL does not name PostgreSQL")
    url = await create_postgres_database(base)
    try:
        yield url
    finally:
        await drop_postgres_database(url)
