"""The Piccolo engine for the configured database, and the one way services open a transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

BUSY_TIMEOUT_SECONDS = 30


class DurableSQLiteConnection(sqlite3.Connection):
    """Every connection Piccolo opens gets the same pragmas: WAL, durable commits, FKs, waits on locks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed score survives a power cut, not only a process crash.
        self.execute("PRAGMA synchronous=FULL")
        self.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        self.execute("PRAGMA foreign_keys=ON")


def engine_for(database_url: str) -> Engine:
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(
            path=path, factory=DurableSQLiteConnection, timeout=BUSY_TIMEOUT_SECONDS
        )
    if database_url.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(database_url)
        config = {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "user": parts.username or "postgres",
            "password": parts.password,
            "database": (parts.path or "/charter").lstrip("/"),
        }
        return PostgresEngine(config={k: v for k, v in config.items() if v is not None})
    raise SystemExit(
        f"CHARTER_DATABASE_URL {database_url!r} is not understood: "
        "use sqlite:///path/to/file.sqlite3 or postgresql://user@host:port/db"
    )


def engine() -> Engine:
    from app.piccolo_conf import DB

    return DB


@asynccontextmanager
async def transaction() -> AsyncIterator[Any]:
    """A write transaction; on SQLite it takes the write lock at once so two writers never deadlock."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        async with db.transaction(transaction_type=TransactionType.immediate) as tx:
            yield tx
    else:
        async with db.transaction() as tx:
            yield tx


def is_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


async def start() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is None:
        await db.start_connection_pool(min_size=1, max_size=20)


async def stop() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()
        db.pool = None
