"""When evidence counts as stale."""

import datetime as dt

from app.evidence.freshness import is_stale, months_before


def test_stale_after_24_months() -> None:
    today = dt.date(2026, 11, 22)
    assert not is_stale(dt.date(2024, 11, 22), today)
    assert is_stale(dt.date(2024, 11, 21), today)
    assert not is_stale(None, today)


def test_months_before_clamps_to_the_end_of_short_months() -> None:
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 2, 28), 24) == dt.date(2024, 2, 28)
    assert months_before(dt.date(2028, 2, 29), 12) == dt.date(2027, 2, 28)
