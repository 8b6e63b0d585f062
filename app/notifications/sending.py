"""Sending what is due from the outbox: one try per item, recorded, retried with backoff.

Each item is claimed before it is sent, so no two senders send it: on PostgreSQL its row is
locked (SELECT ... FOR UPDATE SKIP LOCKED) by a transaction that commits the outcome once the
mail server has answered; on SQLite one sender works at a time, by a lock on a file beside the
database. A sender that dies mid-send leaves the item pending (the lock goes with the process),
so the next sender sends it: once, unless the mail server accepted it in the instant before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piccolo.columns import Column

from app import db
from app.accounts.tables import User
from app.notifications import emails
from app.notifications.senders import Email, GiveUp, Sender, TryAgain, sender_for
from app.notifications.tables import Notification, NotificationAttempt
from app.settings import Settings

log = logging.getLogger("charter.notifications")

# Seconds to wait after each failed try: at most a minute apart for the first ten minutes, then
# longer; after the last, the item is failed (about an hour after the first try).
DELAYS = (10, 20, 40, *([60] * 9), 300, 900, 1800)
MAX_TRIES = len(DELAYS) + 1
BATCH = 200  # items one pass sends at most; the next pass takes the rest

_TABLE = Notification._meta.tablename
_CLAIM_SQL = (
    f"SELECT * FROM {_TABLE} WHERE state = 'pending' AND next_attempt_at <= {{}} "  # noqa: S608
    "ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED"
)


@dataclass
class Sent:
    """What one pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    busy: bool = False  # another sender was at work (SQLite): this pass sent nothing

    def add(self, state: str) -> None:
        if state == "sent":
            self.sent += 1
        elif state == "failed":
            self.failed += 1
        else:
            self.retrying += 1


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def send_due(
    settings: Settings, sender: Sender | None = None, now: dt.datetime | None = None
) -> Sent:
    """Send each item due by `now` (the clock, unless a test sets it) once; nothing at all for
    CHARTER_EMAIL=none."""
    sender = sender or sender_for(settings)
    done = Sent()
    if sender is None:
        return done
    if db.is_postgres():
        for _ in range(BATCH):
            async with db.transaction():
                rows = await Notification.raw(_CLAIM_SQL, now or _now())
                if not rows:
                    break
                done.add(await _send_one(settings, sender, rows[0], now))
        return done
    with _one_sender(settings) as mine:
        if not mine:
            done.busy = True
            return done
        for _ in range(BATCH):
            row = (
                await Notification.select()
                .where(
                    (Notification.state == "pending")
                    & (Notification.next_attempt_at <= (now or _now()))
                )
                .order_by(Notification.next_attempt_at, Notification.created_at)
                .first()
            )
            if row is None:
                break
            done.add(await _send_one(settings, sender, row, now))
    return done


@contextlib.contextmanager
def _one_sender(settings: Settings) -> Iterator[bool]:
    """Whether this sender may work now: it holds the database's sender lock until it is done
    (the operating system lets go of it if the process dies)."""
    path = Path(settings.sqlite_path + ".sender-lock")
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def email_of(row: dict[str, Any], base_url: str) -> Email:
    context = row["context"]
    if isinstance(context, str):
        context = json.loads(context)
    words = emails.render(row["event"], context, base_url)
    return Email(
        id=str(row["id"]),
        event=row["event"],
        to=row["recipient"],
        subject=row["subject"],
        text=words.text,
        personalisation={**context, "link": words.link},
    )


async def _still_active(user_id: Any) -> bool:
    """A person deactivated after an email was written to them never gets it."""
    return await User.exists().where((User.id == user_id) & User.active.eq(True))


async def _send_one(
    settings: Settings, sender: Sender, row: dict[str, Any], now: dt.datetime | None
) -> str:
    """Try the item once and record the outcome (in the caller's transaction, if any)."""
    error: str | None = None
    final = False
    try:
        if not await _still_active(row["user"]):
            raise GiveUp(f"{row['recipient']} was deactivated before it was sent")
        await sender.send(email_of(row, settings.base_url))
    except TryAgain as exc:
        error = str(exc)
    except GiveUp as exc:
        error, final = str(exc), True
    except Exception as exc:  # a template or a bug of ours: keep the item, visible as failed
        log.exception("notification %s could not be sent", row["id"])
        error, final = f"Charter could not make this email: {exc!r}", True
    at = now or _now()
    tries = row["tries"] + 1
    values: dict[Column | str, Any]
    if error is None:
        state, values = "sent", {"sent_at": at, "last_error": None}
    elif final or tries >= MAX_TRIES:
        state, values = "failed", {"last_error": error}
    else:
        wait = dt.timedelta(seconds=DELAYS[tries - 1])
        state, values = "pending", {"last_error": error, "next_attempt_at": at + wait}
    async with db.transaction():
        await Notification.update({"state": state, "tries": tries, **values}).where(
            (Notification.id == row["id"]) & (Notification.state == "pending")
        )
        await NotificationAttempt(notification=row["id"], at=at, error=error).save()
    if error:
        log.warning("notification %s (%s) not sent: %s", row["id"], state, error)
    return state
