"""Write and verify the hash-chained audit record. record() runs inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.utils.encoding import dump_json

from app import db
from app.accounts import policy
from app.audit.tables import AuditRecord
from app.errors import Forbidden

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def record_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(fields)).encode()).hexdigest()


def hashed_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The parts of a stored record its hash covers, as record_hash() reads them."""
    at = row["at"]
    if isinstance(at, dt.datetime):
        at = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    before, after = row["before"], row["after"]
    return {
        "at": at,
        "actor_id": row["actor_id"],
        "actor_label": row["actor_label"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "before": json.loads(before) if isinstance(before, str) else before,
        "after": json.loads(after) if isinstance(after, str) else after,
    }


# Every change writes a record: hand-written statements, as Piccolo took longer to build these
# than the database took to run them (JSON stored as Piccolo stores it).
_TABLE = AuditRecord._meta.tablename
_COLUMNS = (
    "at, actor_id, actor_label, action, object_type, object_id, before, after, prev_hash, hash"
)
_LAST_HASH_SQL = f"SELECT hash FROM {_TABLE} ORDER BY id DESC LIMIT 1"  # noqa: S608
_INSERT_SQL = f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES ({', '.join(['{}'] * 10)})"  # noqa: S608
# PostgreSQL links the record to the last one itself, so that the chain's lock is held for one
# statement fewer: the same hash as record_hash(), of the same canonical text.
_LINKED_INSERT_SQL = (
    f"WITH prev AS (SELECT COALESCE(({_LAST_HASH_SQL}), '{GENESIS}') AS hash) "  # noqa: S608
    f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES ({', '.join(['{}'] * 8)}, "
    "(SELECT hash FROM prev), "
    "encode(sha256(convert_to((SELECT hash FROM prev) || {}, 'UTF8')), 'hex'))"
)


async def record(
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one record. Call it inside the transaction that makes the change."""
    row = {
        "at": dt.datetime.now(dt.UTC),
        "actor_id": str(actor.id) if getattr(actor, "id", None) else None,
        "actor_label": actor.label,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "before": json.loads(_canonical(before)) if before is not None else None,
        "after": json.loads(_canonical(after)) if after is not None else None,
    }
    values = (
        row["at"],
        row["actor_id"],
        row["actor_label"],
        action,
        object_type,
        row["object_id"],
        *(None if row[k] is None else dump_json(row[k]) for k in ("before", "after")),
    )
    if db.is_postgres():
        # Serialise writers of the chain across every app process; the next statement, with a
        # snapshot taken after the lock is held, sees the last record committed.
        await AuditRecord.raw("SELECT pg_advisory_xact_lock(7243001)")
        await AuditRecord.raw(_LINKED_INSERT_SQL, *values, _canonical(hashed_fields(row)))
        return
    # SQLite's write transaction already serialises writers.
    last = await AuditRecord.raw(_LAST_HASH_SQL)
    prev_hash = last[0]["hash"] if last else GENESIS
    await AuditRecord.raw(
        _INSERT_SQL, *values, prev_hash, record_hash(prev_hash, hashed_fields(row))
    )


async def verify_chain() -> tuple[int, int | None]:
    """Recompute the chain: (records checked, id of the first broken record or None)."""
    prev_hash = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = (
            await AuditRecord.select()
            .where(AuditRecord.id > last_id)
            .order_by(AuditRecord.id)
            .limit(1000)
        )
        if not rows:
            return checked, None
        for row in rows:
            if row["prev_hash"] != prev_hash or row["hash"] != record_hash(
                prev_hash, hashed_fields(row)
            ):
                return checked, row["id"]
            prev_hash = row["hash"]
            checked += 1
            last_id = row["id"]


async def last_record() -> dict[str, Any] | None:
    """The newest record's id, time and hash: the chain's end, to note down somewhere else."""
    return (
        await AuditRecord.select(AuditRecord.id, AuditRecord.at, AuditRecord.hash)
        .order_by(AuditRecord.id, ascending=False)
        .first()
    )


async def holds(anchor: str) -> bool:
    """Whether a record with this hash is still in the chain. With the chain intact, it is, and
    everything before it unchanged, unless records were cut from the end past it or the chain
    was rewritten (every hash computed again), which verify_chain alone cannot see."""
    return await AuditRecord.exists().where(AuditRecord.hash == anchor.strip().lower())


# --- browsing ---------------------------------------------------------------------------------

PER_PAGE = 50
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class AuditFilter:
    """What to look for; empty fields match everything. Dates are UK calendar days, inclusive."""

    actor: str = ""  # part of the actor's email (or "cli")
    action: str = ""  # an action, or its start: "user" finds user.create, user.deactivate...
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def terms(self) -> list[Any]:
        terms: list[Any] = []
        if self.actor:
            # Labels are lower-case emails (or "cli"), so LIKE needs no ILIKE, which SQLite lacks.
            terms.append(AuditRecord.actor_label.like(f"%{_literal(self.actor.lower())}%"))
        if self.action:
            terms.append(
                (AuditRecord.action == self.action)
                | AuditRecord.action.like(f"{_literal(self.action)}.%")
            )
        if self.object_type:
            terms.append(AuditRecord.object_type == self.object_type)
        if self.object_id:
            terms.append(AuditRecord.object_id == self.object_id)
        if self.date_from:
            terms.append(AuditRecord.at >= _start_of(self.date_from))
        if self.date_to:
            terms.append(AuditRecord.at < _start_of(self.date_to + dt.timedelta(days=1)))
        return terms


def _literal(text: str) -> str:
    """What someone typed, without LIKE's `%` (a stray `_` only widens the match by a character)."""
    return text.replace("%", "")


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)


def search_allowed(actor: Any) -> None:
    if not policy.may_read_audit(actor):
        raise Forbidden("Only an administrator can read the audit record")


async def search(
    actor: Any, where: AuditFilter, page: int = 1, per_page: int = PER_PAGE
) -> tuple[list[dict[str, Any]], int]:
    """One page of records, newest first, and how many match in all."""
    search_allowed(actor)
    terms = where.terms()
    query = AuditRecord.select().order_by(AuditRecord.id, ascending=False)
    count = AuditRecord.count()
    if terms:
        query, count = query.where(*terms), count.where(*terms)
    total = await count
    if (max(page, 1) - 1) * per_page >= total:  # past the end (and no offset too big for SQL)
        return [], total
    rows = await query.limit(per_page).offset((max(page, 1) - 1) * per_page)
    for row in rows:
        row.update(hashed_fields(row) | {"at": row["at"]})
    return rows, total


async def object_types() -> list[str]:
    rows = (
        await AuditRecord.select(AuditRecord.object_type)
        .distinct()
        .order_by(AuditRecord.object_type)
        .limit(100)
    )
    return [r["object_type"] for r in rows]


def record_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "at": row["at"].astimezone(dt.UTC).isoformat(),
        "actor_id": row["actor_id"],
        "actor": row["actor_label"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "before": row["before"],
        "after": row["after"],
        "hash": row["hash"],
    }
