"""The one way services change data: db.transaction(), on both databases, under concurrency."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app import db
from app.audit.service import record, verify_chain
from app.organisations.tables import Organisation


class Someone:
    id = None
    label = "test"


async def _add(slug: str) -> None:
    async with db.transaction():
        await Organisation(slug=slug, name=slug.title(), kind="department").save()
        await record(Someone(), "organisation.create", "organisation", slug)


async def test_many_writers_at_once_all_commit_in_one_unbroken_audit_chain() -> None:
    slugs = [f"writer-{n}" for n in range(30)]
    await asyncio.gather(*(_add(slug) for slug in slugs))
    rows = await Organisation.select(Organisation.slug)
    assert sorted(r["slug"] for r in rows) == sorted(slugs)
    checked, broken = await verify_chain()
    assert (checked, broken) == (30, None)


async def test_a_failed_transaction_leaves_nothing_and_the_next_one_works() -> None:
    with pytest.raises(RuntimeError, match="changed my mind"):
        async with db.transaction():
            await Organisation(slug="half-made", name="Half", kind="department").save()
            raise RuntimeError("changed my mind")
    assert await Organisation.select().where(Organisation.slug == "half-made") == []
    await _add("made-after")
    assert await Organisation.count() == 1


async def test_a_transaction_inside_another_joins_it_instead_of_waiting_for_it() -> None:
    async def nested() -> None:
        async with db.transaction():
            await Organisation(slug="outer", name="Outer", kind="department").save()
            async with db.transaction():
                await Organisation(slug="inner", name="Inner", kind="department").save()

    await asyncio.wait_for(nested(), timeout=10)
    assert await Organisation.count() == 2


async def test_reads_are_answered_while_a_write_transaction_is_open() -> None:
    await _add("committed")
    inside, read_done = asyncio.Event(), asyncio.Event()
    seen: list[str] = []

    async def reader() -> None:  # started before the transaction, so not part of it
        await inside.wait()
        rows = await Organisation.select(Organisation.slug)
        seen.extend(r["slug"] for r in rows)
        read_done.set()

    task = asyncio.create_task(reader())
    async with db.transaction():
        await Organisation(slug="uncommitted", name="Uncommitted", kind="department").save()
        inside.set()
        # The read finishes while this transaction still holds the write lock...
        await asyncio.wait_for(read_done.wait(), timeout=10)
    await task
    # ...and sees only what was committed.
    assert seen == ["committed"]


@pytest.mark.skipif(db.is_postgres(), reason="SQLite's lock between processes")
async def test_a_write_lock_held_by_another_process_times_out_with_a_clear_error_and_no_leak() -> (
    None
):
    import sqlite3

    from app.sqlite_engine import PooledSQLiteEngine

    engine = db.engine()
    assert isinstance(engine, PooledSQLiteEngine)
    other = sqlite3.connect(engine.connection_kwargs["database"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    saved = engine.connection_kwargs.get("timeout")
    engine.connection_kwargs["timeout"] = 0.2  # new connections give up after 0.2 s
    try:
        await engine.close_idle()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            async with db.transaction():
                await Organisation(slug="blocked", name="Blocked", kind="department").save()
    finally:
        other.execute("ROLLBACK")
        other.close()
        engine.connection_kwargs["timeout"] = saved
    assert engine._idle == []  # the connection that failed was closed, not lent again
    await _add("after-the-lock")
    assert [r["slug"] for r in await Organisation.select(Organisation.slug)] == ["after-the-lock"]


@pytest.mark.skipif(not db.is_postgres(), reason="SQLite has no connection pool to warm")
async def test_a_server_opens_its_whole_pool_at_start_and_it_works() -> None:
    await db.stop()
    try:
        await db.start_warm()
        pool = db.engine().pool
        assert pool is not None and pool.get_size() == db.POOL_SIZE
        await _add("warm-pool")
        assert await Organisation.count().where(Organisation.slug == "warm-pool") == 1
    finally:
        await db.stop()
        await db.start()


_BY_SLUG = "SELECT slug, name FROM organisation WHERE slug = {}"


async def test_a_read_by_key_answers_like_the_raw_query_and_sees_its_own_transaction() -> None:
    await _add("keyed")
    assert await db.read_by_key(Organisation, _BY_SLUG, "keyed") == await Organisation.raw(
        _BY_SLUG, "keyed"
    )
    assert await db.read_by_key(Organisation, _BY_SLUG, "nobody") == []
    async with db.transaction():
        await Organisation(slug="in-flight", name="In Flight", kind="department").save()
        # Inside a transaction it reads on the transaction's connection: its own change shows.
        assert await db.read_by_key(Organisation, _BY_SLUG, "in-flight") == [
            {"slug": "in-flight", "name": "In Flight"}
        ]


async def test_a_read_by_key_with_a_broken_query_raises_the_databases_error() -> None:
    with pytest.raises(Exception, match="no_such_column"):
        await db.read_by_key(Organisation, "SELECT no_such_column FROM organisation")


@pytest.mark.skipif(db.is_postgres(), reason="SQLite's read on the event loop")
async def test_a_read_by_key_that_finds_sqlite_locked_waits_off_the_event_loop(
    tmp_path: Path,
) -> None:
    import sqlite3

    from piccolo.columns import Varchar
    from piccolo.table import Table

    # A database of its own, so that no other test's connection is open on it.
    engine = db.engine_for(f"sqlite:///{tmp_path / 'locked.sqlite3'}")

    class Thing(Table, db=engine):  # type: ignore[call-arg]
        name = Varchar()

    await Thing.create_table()
    await Thing.insert(Thing(name="behind-the-lock"))
    await engine.close_idle()
    # Another process holding the database exclusively: even WAL readers must wait.
    other = sqlite3.connect(engine.connection_kwargs["database"], isolation_level=None)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("UPDATE thing SET name = name")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    clock = asyncio.create_task(ticker())
    read = asyncio.create_task(db.read_by_key(Thing, "SELECT name FROM thing WHERE id = {}", 1))
    try:
        await asyncio.sleep(0.3)
        assert not read.done()  # still waiting for the lock...
        assert ticks >= 10  # ...and the event loop went on meanwhile
        other.execute("COMMIT")
        other.close()  # the other process lets go
        rows = await asyncio.wait_for(read, timeout=10)
    finally:
        clock.cancel()
        other.close()
        await engine.close_idle()
    assert rows == [{"name": "behind-the-lock"}]
