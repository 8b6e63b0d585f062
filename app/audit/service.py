"""Write and verify the hash-chained audit record. record() runs inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from app import db
from app.audit.tables import AuditRecord

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def record_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(fields)).encode()).hexdigest()


def _fields(row: dict[str, Any]) -> dict[str, Any]:
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


async def record(
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one record. Call it inside the transaction that makes the change."""
    if db.is_postgres():
        # Serialise writers of the chain across every app process.
        await AuditRecord.raw("SELECT pg_advisory_xact_lock(7243001)")
    last = (
        await AuditRecord.select(AuditRecord.hash)
        .order_by(AuditRecord.id, ascending=False)
        .first()
    )
    prev_hash = last["hash"] if last else GENESIS
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
    fields = _fields(row)
    await AuditRecord.insert(
        AuditRecord(
            at=row["at"],
            actor_id=row["actor_id"],
            actor_label=row["actor_label"],
            action=action,
            object_type=object_type,
            object_id=row["object_id"],
            before=row["before"],
            after=row["after"],
            prev_hash=prev_hash,
            hash=record_hash(prev_hash, fields),
        )
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
            if row["prev_hash"] != prev_hash or row["hash"] != record_hash(prev_hash, _fields(row)):
                return checked, row["id"]
            prev_hash = row["hash"]
            checked += 1
            last_id = row["id"]
