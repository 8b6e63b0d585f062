"""Whether evidence is old: assessors look twice at documents produced long ago."""

from __future__ import annotations

import datetime as dt

STALE_AFTER_MONTHS = 24


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or the month's last day when it has no such day."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def is_stale(effective_on: dt.date | None, today: dt.date) -> bool:
    """Older than STALE_AFTER_MONTHS on `today`. An unknown date is not called stale."""
    return effective_on is not None and effective_on < months_before(today, STALE_AFTER_MONTHS)
