"""The outbox for administrators (a page of it, retrying a failed email) and each person's choice
of reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from app import db
from app.accounts import policy
from app.accounts.actor import Actor
from app.audit.service import record
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.notifications.events import label
from app.notifications.tables import Notification, NotificationAttempt, ReminderChoice

PER_PAGE = 50
MAX_PAGE = 20_000  # a million emails back: further is no page anyone reads
STATES = ("pending", "sent", "failed")
ADMINS_ONLY = "Only an administrator can see the outbox"
NOT_FOUND = "No notification with that id"


@dataclass(frozen=True)
class OutboxPage:
    items: list[dict[str, Any]]
    total: int
    counts: dict[str, int]  # by state, over the whole outbox


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def as_json(row: dict[str, Any]) -> dict[str, Any]:
    """The contract's shape of one notification."""
    return {
        "id": str(row["id"]),
        "event": row["event"],
        "recipient": row["recipient"],
        "subject": row["subject"],
        "state": row["state"],
        "tries": row["tries"],
        "last_error": row["last_error"],
        "next_attempt_at": _iso(row["next_attempt_at"]) if row["state"] == "pending" else None,
        "created_at": _iso(row["created_at"]),
        "sent_at": _iso(row["sent_at"]),
    }


def _allowed(actor: Actor) -> None:
    if not policy.is_admin(actor):
        raise Forbidden(ADMINS_ONLY)


async def outbox(actor: Actor, page: int = 1, state: str | None = None) -> OutboxPage:
    """Administrators: the outbox newest first, PER_PAGE at a time, of one state or all."""
    _allowed(actor)
    problems = {}
    if state is not None and state not in STATES:
        problems["state"] = f"The state must be pending, sent or failed, not '{state}'"
    if not 1 <= page <= MAX_PAGE:
        problems["page"] = f"The page must be a whole number from 1 to {MAX_PAGE:,}"
    if problems:
        raise Invalid(problems)
    where = Notification.state == state if state is not None else None
    query = Notification.select(
        Notification.id,
        Notification.event,
        Notification.recipient,
        Notification.subject,
        Notification.state,
        Notification.tries,
        Notification.last_error,
        Notification.next_attempt_at,
        Notification.created_at,
        Notification.sent_at,
    )
    count = Notification.count()
    if where is not None:
        query, count = query.where(where), count.where(where)
    rows = await (
        query.order_by(Notification.created_at, ascending=False)
        .order_by(Notification.id, ascending=False)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    by_state = await Notification.raw(
        f"SELECT state, COUNT(*) AS n FROM {Notification._meta.tablename} GROUP BY state"  # noqa: S608
    )
    counts = {s: 0 for s in STATES} | {r["state"]: r["n"] for r in by_state}
    for row in rows:
        row["label"] = label(row["event"])
    return OutboxPage(items=list(rows), total=await count, counts=counts)


async def one(actor: Actor, notification_id: UUID) -> dict[str, Any]:
    """Administrators: one notification, as the outbox lists it."""
    _allowed(actor)
    row = await Notification.select().where(Notification.id == notification_id).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


async def attempts(actor: Actor, notification_id: UUID) -> list[dict[str, Any]]:
    """Each try at sending one notification, oldest first (at most the last 50)."""
    _allowed(actor)
    rows = (
        await NotificationAttempt.select(NotificationAttempt.at, NotificationAttempt.error)
        .where(NotificationAttempt.notification == notification_id)
        .order_by(NotificationAttempt._meta.primary_key, ascending=False)
        .limit(50)
    )
    return list(reversed(rows))


async def retry(actor: Actor, notification_id: UUID | str) -> dict[str, Any]:
    """A failed notification goes back in the queue, due now, for a fresh round of tries."""
    _allowed(actor)
    try:
        wanted = UUID(str(notification_id))
    except ValueError as exc:
        raise NotFound(NOT_FOUND) from exc
    async with db.transaction():
        query = Notification.select().where(Notification.id == wanted)
        if db.is_postgres():
            query = query.lock_rows()
        row = await query.first()
        if row is None:
            raise NotFound(NOT_FOUND)
        if row["state"] != "failed":
            raise Conflict(
                f"Only a failed notification can be retried; this one is {row['state']}",
                state=row["state"],
            )
        now = dt.datetime.now(dt.UTC)
        await Notification.update(
            {
                Notification.state: "pending",
                Notification.tries: 0,
                Notification.next_attempt_at: now,
            }
        ).where(Notification.id == wanted)
        await record(
            actor,
            "notification.retry",
            "notification",
            wanted,
            before={"state": "failed", "tries": row["tries"], "last_error": row["last_error"]},
            after={"state": "pending", "tries": 0},
        )
        fresh = await Notification.select().where(Notification.id == wanted).first()
    assert fresh is not None
    return as_json(fresh)


# --- reminders, for each person ----------------------------------------------------------------


async def wants_reminders(actor: Actor) -> bool:
    row = (
        await ReminderChoice.select(ReminderChoice.reminders)
        .where(ReminderChoice.user == actor.id)
        .first()
    )
    return True if row is None else bool(row["reminders"])


async def choose_reminders(actor: Actor, wanted: bool) -> bool:
    """Turn this person's reminders on or off (never the emails that ask them to act)."""
    async with db.transaction():
        before = await wants_reminders(actor)
        now = dt.datetime.now(dt.UTC)
        await ReminderChoice.insert(
            ReminderChoice(user=actor.id, reminders=wanted, changed_at=now)
        ).on_conflict(
            target=ReminderChoice.user,
            action="DO UPDATE",
            values=[ReminderChoice.reminders, ReminderChoice.changed_at],
        )
        if before != wanted:
            await record(
                actor,
                "user.reminders",
                "user",
                actor.id,
                before={"reminders": before},
                after={"reminders": wanted},
            )
    return wanted
