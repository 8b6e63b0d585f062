"""Certificate terms, pure: month arithmetic, status from dates, and which reviews are due."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

VALID, EXPIRED, REVOKED = "valid", "expired", "revoked"
REVIEW_WINDOW_DAYS = 90  # a review shows on dashboards this long before it is due
EXPIRING_WINDOW_DAYS = 90  # a valid certificate this close to its expiry is "expiring soon"


def expiring_window() -> dt.timedelta:
    return dt.timedelta(days=EXPIRING_WINDOW_DAYS)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def status_of(expires_on: dt.date, revoked_at: Any, today: dt.date) -> str:
    """revoked whatever the dates; else expired from its expiry date on; else valid."""
    if revoked_at is not None:
        return REVOKED
    return EXPIRED if today >= expires_on else VALID


@dataclass(frozen=True)
class ReviewDue:
    certificate_id: str
    organisation: str
    award: str
    review_due_on: dt.date
    expires_on: dt.date
    overdue: bool


def review_due(
    certificates: Iterable[Mapping[str, Any]], today: dt.date, window_days: int = REVIEW_WINDOW_DAYS
) -> list[ReviewDue]:
    """Current certificates whose review is due within `window_days` (or overdue), soonest first.

    Each mapping needs id, organisation_name, award_label, review_due_on, expires_on, revoked_at.
    """
    horizon = today + dt.timedelta(days=window_days)
    due = [
        ReviewDue(
            certificate_id=str(c["id"]),
            organisation=str(c["organisation_name"]),
            award=str(c["award_label"]),
            review_due_on=c["review_due_on"],
            expires_on=c["expires_on"],
            overdue=c["review_due_on"] < today,
        )
        for c in certificates
        if status_of(c["expires_on"], c["revoked_at"], today) == VALID
        and c["review_due_on"] <= horizon
    ]
    return sorted(due, key=lambda r: (r.review_due_on, r.organisation))
