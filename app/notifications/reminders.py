"""The reminder pass: finds each occasion that has come (a certificate 60 days from expiry, its
review 60 and 14 days from due) and writes its reminder once, whoever runs the pass and however
often (a unique key per occasion and person). The server runs it in the background and
`charter notifications send` runs it too.

Reviews are read from each certificate's review date until surveillance reviews exist (issue
25), which will also say when one has taken place. An action is overdue once its due date has
passed while it is open or in progress; its occasion is the action with that due date, so moving
the date on and missing it again reminds once more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw

from app import db
from app.accounts.roles import Role
from app.accounts.tables import User
from app.actions.tables import PlanAction
from app.certificates.service import NOT_SUPERSEDED
from app.certificates.tables import Certificate
from app.notifications import outbox
from app.notifications.events import Event
from app.notifications.tables import Notification, ReminderChoice

EXPIRY_NOTICE_DAYS = 60
REVIEW_NOTICES = (60, 14)  # days before a certificate's review falls due
UK = ZoneInfo("Europe/London")


def today_in_uk() -> dt.date:
    return dt.datetime.now(UK).date()


async def _wanting_reminders(organisations: set[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    """The active leads of each organisation, but not those who turned reminders off."""
    if not organisations:
        return {}
    leads = await outbox.active_people(
        (User.organisation.is_in(list(organisations))) & (User.role == Role.DEPT_LEAD.value)
    )
    off = {
        r["user"]
        for r in await ReminderChoice.select(ReminderChoice.user).where(
            ReminderChoice.reminders.eq(False)
            & ReminderChoice.user.is_in([p["id"] for p in leads] or [None])
        )
    }
    by_organisation: dict[UUID, list[dict[str, Any]]] = {}
    for person in leads:
        if person["id"] not in off:
            by_organisation.setdefault(person["organisation"], []).append(person)
    return by_organisation


def _occasion(event: Event, object_id: UUID) -> Callable[[dict[str, Any]], str]:
    """The key of one reminder about one object to one person."""
    return lambda person: f"{event.value}:{object_id}:{person['id']}"


async def _certificates(
    event: Event, due: Column, first: dt.date, last: dt.date, today: dt.date, now: dt.datetime
) -> list[Notification]:
    """A reminder to the organisation's leads of each certificate in force (not revoked, not
    replaced by a newer one, not expired) whose `due` date falls from `first` to `last`."""
    certificates = await Certificate.select(
        Certificate.id,
        Certificate.organisation,
        Certificate.issued_to,
        Certificate.award_label,
        Certificate.expires_on,
        Certificate.review_due_on,
        Certificate.framework_version.title.as_alias("framework_title"),
        Certificate.framework_version.version.as_alias("framework_version"),
    ).where(
        Certificate.revoked_at.is_null()
        & WhereRaw(NOT_SUPERSEDED)
        & (Certificate.expires_on >= today)
        & (due >= first)
        & (due <= last)
    )
    people = await _wanting_reminders({c["organisation"] for c in certificates})
    rows: list[Notification] = []
    for certificate in certificates:
        context = {
            "certificate_id": str(certificate["id"]),
            "organisation": certificate["issued_to"],
            "award": certificate["award_label"],
            "framework": f"{certificate['framework_title']} {certificate['framework_version']}",
            "expires_on": certificate["expires_on"].isoformat(),
            "review_due_on": certificate["review_due_on"].isoformat(),
        }
        rows += outbox.rows_for(
            event,
            people.get(certificate["organisation"], []),
            context,
            now,
            key=_occasion(event, certificate["id"]),
        )
    return rows


def _days(today: dt.date, days: int) -> dt.date:
    return today + dt.timedelta(days=days)


async def certificates_expiring(today: dt.date, now: dt.datetime) -> list[Notification]:
    """Each certificate that expires within 60 days."""
    return await _certificates(
        Event.CERTIFICATE_EXPIRING,
        Certificate.expires_on,
        today,
        _days(today, EXPIRY_NOTICE_DAYS),
        today,
        now,
    )


async def reviews_due_in_60_days(today: dt.date, now: dt.datetime) -> list[Notification]:
    """Each certificate whose review falls due in 15 to 60 days (nearer, the 14-day one)."""
    return await _certificates(
        Event.REVIEW_DUE_60,
        Certificate.review_due_on,
        _days(today, REVIEW_NOTICES[1] + 1),
        _days(today, REVIEW_NOTICES[0]),
        today,
        now,
    )


async def reviews_due_in_14_days(today: dt.date, now: dt.datetime) -> list[Notification]:
    return await _certificates(
        Event.REVIEW_DUE_14,
        Certificate.review_due_on,
        today,
        _days(today, REVIEW_NOTICES[1]),
        today,
        now,
    )


def _keyed(occasion: str) -> Callable[[dict[str, Any]], str]:
    return lambda person: f"{occasion}:{person['id']}"


async def actions_overdue(today: dt.date, now: dt.datetime) -> list[Notification]:
    """Each action still open or in progress whose due date has passed."""
    actions = await PlanAction.select(
        PlanAction.id,
        PlanAction.organisation,
        PlanAction.organisation.name.as_alias("organisation_name"),
        PlanAction.title,
        PlanAction.due_on,
        PlanAction.element_code,
    ).where(PlanAction.status.is_in(["open", "in_progress"]) & (PlanAction.due_on < today))
    people = await _wanting_reminders({a["organisation"] for a in actions})
    rows: list[Notification] = []
    for action in actions:
        context = {
            "action_id": str(action["id"]),
            "organisation": action["organisation_name"],
            "title": action["title"],
            "due_on": action["due_on"].isoformat(),
            "element": action["element_code"] or "",
        }
        occasion = f"{Event.ACTION_OVERDUE.value}:{action['id']}:{action['due_on'].isoformat()}"
        rows += outbox.rows_for(
            Event.ACTION_OVERDUE,
            people.get(action["organisation"], []),
            context,
            now,
            key=_keyed(occasion),
        )
    return rows


PASSES: list[Callable[[dt.date, dt.datetime], Awaitable[list[Notification]]]] = [
    certificates_expiring,
    reviews_due_in_60_days,
    reviews_due_in_14_days,
    actions_overdue,
]


async def run(today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Write every reminder whose occasion has come by `today` and is not yet written; how many
    were written. `today` is the clock's unless a test or an operator sets it."""
    today = today or today_in_uk()
    now = now or dt.datetime.now(dt.UTC)
    written = 0
    for find in PASSES:
        rows = await find(today, now)
        if not rows:
            continue
        keys = [r.key for r in rows]
        async with db.transaction():
            known = {
                r["key"]
                for r in await Notification.select(Notification.key).where(
                    Notification.key.is_in(keys)
                )
            }
            fresh = [r for r in rows if r.key not in known]
            if fresh:
                # Another pass may have written some since: the unique key keeps one of each.
                await Notification.insert(*fresh).on_conflict(
                    target=Notification.key, action="DO NOTHING"
                )
            written += len(fresh)
    return written
