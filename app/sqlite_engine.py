"""Piccolo's SQLite engine, made cheap per query and per transaction.

Out of the box Piccolo opens a new connection, with its own thread, for every query outside a
transaction and for every transaction, and aiosqlite hops between threads for each step
(execute, fetch, close, plus a PRAGMA before every statement in a transaction); together that
costs more than most queries (measured: 14 ms of CPU per saved answer). Here connections are
kept open and reused, and each statement runs whole in ONE hop to a worker thread:

- reads outside a transaction share one thread: they take microseconds, never wait for a lock
  under WAL, and more threads only fight the event loop for the GIL while they build rows;
- writes outside a transaction have two threads of their own, because one may wait up to the
  busy time-out for another writer and reads must not queue behind it;
- transactions have one thread of their own (db.transaction() lets one run at a time per
  process), so a transaction never waits for a thread that waits for its lock;
- a read of a few rows found by key (db.read_by_key: the session, the signed-in person, the page's
  assessment) runs at once on the calling thread, with no busy wait: handing it to a thread and
  back cost more CPU than the read (0.1-0.2 ms each, five per page). If SQLite is busy it goes to
  the reads' thread after all.
"""

from __future__ import annotations

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType

BUSY_TIMEOUT_SECONDS = 30


LOWER_FUNCTION = "charter_lower"


def _lower(text: str | None) -> str | None:
    return None if text is None else str(text).lower()


class DurableSQLiteConnection(sqlite3.Connection):
    """Every connection gets the same pragmas: WAL, durable commits, foreign keys. (How long it
    waits for another writer's lock is connect()'s `timeout`: BUSY_TIMEOUT_SECONDS.) And
    charter_lower(), which lower-cases all of Unicode as PostgreSQL's lower() does (SQLite's own
    lower() knows only A-Z, so "École" would not be found by "école")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.create_function(LOWER_FUNCTION, 1, _lower, deterministic=True)
        self.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed score survives a power cut, not only a process crash.
        self.execute("PRAGMA synchronous=FULL")
        self.execute("PRAGMA foreign_keys=ON")


def _fetch(connection: sqlite3.Connection, query: str, args: list[Any]) -> list[dict[str, Any]]:
    """The rows as dicts, as Piccolo's own engine gives them. Its row factory read the cursor's
    description anew for every row (a tuple built each time); the names are read once here."""
    cursor = connection.execute(query, args)
    try:
        rows = cursor.fetchall()
        if not rows:
            return []
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in rows]
    finally:
        cursor.close()


class LeasedConnection:
    """A pooled connection lent to one transaction; its statements run on the transactions'
    thread. Speaks the little of aiosqlite's interface that Piccolo's transaction uses."""

    def __init__(self, engine: PooledSQLiteEngine, raw: sqlite3.Connection) -> None:
        self.engine = engine
        self.raw = raw
        self.broken = False

    async def run(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self.engine.transactions, _fetch, self.raw, query, args
            )
        except sqlite3.OperationalError:
            self.broken = True  # e.g. the disk is full: do not lend this connection again
            raise

    async def execute(self, query: str, args: tuple[Any, ...] = ()) -> None:
        await self.run(query, list(args))

    async def close(self) -> None:
        """Back to the pool, unless something went wrong in it (then closed)."""
        if self.broken or self.raw.in_transaction:
            self.raw.close()
        else:
            self.engine.give_back(self.raw)


class PooledSQLiteTransaction(SQLiteTransaction):
    async def __aenter__(self) -> PooledSQLiteTransaction:
        if self._parent is not None:
            return self._parent  # type: ignore[return-value]
        self.connection = await self.get_connection()
        try:
            await self.begin()  # may time out waiting for another process's write lock
        except BaseException:
            self.connection.raw.close()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def get_connection(self) -> LeasedConnection:
        engine: PooledSQLiteEngine = self.engine  # type: ignore[assignment]
        return LeasedConnection(engine, engine.lease())

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            await self.connection.close()
            self.engine.current_transaction.reset(self.context)
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    MAX_IDLE = 8

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[sqlite3.Connection] = []
        self.reads = ThreadPoolExecutor(1, thread_name_prefix="charter-sqlite-read")
        self.writes = ThreadPoolExecutor(2, thread_name_prefix="charter-sqlite-write")
        self.transactions = ThreadPoolExecutor(1, thread_name_prefix="charter-sqlite-tx")
        self._at_once: sqlite3.Connection | None = None

    def read_at_once(self, query: str, args: list[Any]) -> list[dict[str, Any]] | None:
        """The rows, read on this thread without waiting for any lock; None if SQLite was busy
        (the caller reads it the usual way). Only the event loop's thread calls this."""
        try:
            if self._at_once is None:
                # timeout=0: never sleep in SQLite's busy handler on the event loop.
                kwargs = {**self.connection_kwargs, "timeout": 0}
                connection = sqlite3.connect(**kwargs, check_same_thread=False)
                self._at_once = connection
            return _fetch(self._at_once, query, args)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
            return None

    def lease(self) -> sqlite3.Connection:
        if self._idle:
            return self._idle.pop()  # list.append/pop are atomic under the GIL
        connection = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)
        return connection

    def give_back(self, connection: sqlite3.Connection) -> None:
        if len(self._idle) < self.MAX_IDLE:
            self._idle.append(connection)
        else:
            connection.close()

    def _run_alone(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        connection = self.lease()
        try:
            rows = _fetch(connection, query, args)
        except BaseException:
            connection.close()  # never lend a connection in an unknown state
            raise
        self.give_back(connection)
        return rows

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        reading = query.lstrip()[:6].upper() == "SELECT"
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.reads if reading else self.writes, self._run_alone, query, args or []
        )

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        return await connection.run(query, args or [])

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> PooledSQLiteTransaction:
        return PooledSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def close_idle(self) -> None:
        while self._idle:
            self._idle.pop().close()
        if self._at_once is not None:
            self._at_once.close()
            self._at_once = None
