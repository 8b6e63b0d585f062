"""The story clock that moves a demo assessment's history into the past (pure)."""

from __future__ import annotations

import datetime as dt

from app.demo.timeline import story_clock

NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
END = dt.datetime(2026, 1, 10, 10, 30, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=60)


def at(seconds: float) -> dt.datetime:
    return NOW + dt.timedelta(seconds=seconds)


def test_the_history_fills_the_span_and_keeps_its_order() -> None:
    real = [at(s) for s in (0, 1, 2, 3, 4, 5)]
    clock = story_clock(real, [at(3), at(5)], END, SPAN)
    mapped = [clock(m) for m in real]
    assert mapped[0] == END - SPAN and mapped[-1] == END
    assert mapped == sorted(mapped)


def test_each_lifecycle_step_comes_after_a_wait() -> None:
    real = [at(s) for s in (0, 1, 2, 3, 4)]
    clock = story_clock(real, [at(2)], END, SPAN)
    before, step = clock(at(1.5)), clock(at(2))
    assert step - before > dt.timedelta(days=10)


def test_writes_made_by_a_step_happen_when_it_does() -> None:
    real = [at(s) for s in (0, 1, 2)]
    clock = story_clock(real, [at(2)], END, SPAN)
    assert clock(at(1.95)) == clock(at(2)) == END
