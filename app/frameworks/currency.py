"""Which version of a framework is current: the one new assessments get when none is named."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_PARTS = re.compile(r"\d+|\D+")


@dataclass(frozen=True)
class Candidate:
    version: str
    effective_from: dt.date | None  # None: in force from whenever it was loaded


def version_order(version: str) -> tuple[tuple[int, int | str], ...]:
    """Versions compared as people read them: "2026.10" after "2026.9", numbers before words."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in _PARTS.findall(version))


def order(candidate: Candidate) -> tuple[dt.date, tuple[tuple[int, int | str], ...]]:
    """The later it took effect, then the higher its version, the later it sorts."""
    return (candidate.effective_from or dt.date.min, version_order(candidate.version))


def current(candidates: Iterable[Candidate], today: dt.date) -> Candidate | None:
    """The version in force today: the highest `effective_from` that has started (none given
    counts as started), then the highest version. When none has started yet, the one that
    starts first. When versions were loaded makes no difference, so loading an old file never
    changes what new assessments get."""
    every: Sequence[Candidate] = list(candidates)
    started = [c for c in every if c.effective_from is None or c.effective_from <= today]
    if started:
        return max(started, key=order)
    return min(every, key=order, default=None)
