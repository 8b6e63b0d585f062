"""The Piccolo engine for the configured database, and the one way services open a transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory

BUSY_TIMEOUT_SECONDS = 30


class DurableSQLiteConnection(sqlite3.Connection):
    """Every connection gets the same pragmas: WAL, durable commits, foreign keys, lock waits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed score survives a power cut, not only a process crash.
        self.execute("PRAGMA synchronous=FULL")
        self.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        self.execute("PRAGMA foreign_keys=ON")


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo opens a new connection, with its own thread, for every query outside a transaction;
    that costs more than most queries. Keep a few idle connections and reuse them instead."""

    MAX_IDLE = 8

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[aiosqlite.Connection] = []

    async def _borrow(self) -> aiosqlite.Connection:
        if self._idle:
            return self._idle.pop()
        pending = aiosqlite.connect(**self.connection_kwargs)
        # A pooled connection must not keep the process alive at exit (committed data is in WAL).
        pending._thread.daemon = True
        connection = await pending
        connection.row_factory = dict_factory  # type: ignore[assignment]
        return connection

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        connection = await self._borrow()
        try:
            async with connection.execute(query, args or []) as cursor:
                await connection.commit()
                rows = await cursor.fetchall()
        except BaseException:
            await connection.close()  # never hand out a connection in an unknown state
            raise
        if len(self._idle) < self.MAX_IDLE:
            self._idle.append(connection)
        else:
            await connection.close()
        return rows

    async def close_idle(self) -> None:
        while self._idle:
            await self._idle.pop().close()


def engine_for(database_url: str) -> Engine:
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return PooledSQLiteEngine(
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
    """A write transaction; on SQLite it takes the write lock at once, so writers never deadlock."""
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
    if isinstance(db, PooledSQLiteEngine):
        await db.close_idle()
