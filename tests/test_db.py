"""The one way services change data: db.transaction(), on both databases, under concurrency."""

from __future__ import annotations

import asyncio

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
