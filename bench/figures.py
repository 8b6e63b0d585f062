"""A measured figure, the floor it is judged against, its target; and the printed table."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class Figure:
    """One row of the table. `ratio` is value / floor, both taken in the same run.

    `passed` is None when the row has no target (a floor, or a figure shown for context).
    """

    scenario: str  # "element form page", "autosave", ...
    measure: str  # "req/s", "p99", "cost per request", ...
    value: float | None
    unit: str  # "req/s", "ms", "MB", "s", "count"
    floor: float | None = None
    floor_label: str = ""  # what the floor is: "bare render + hello-world"
    ratio: float | None = None
    target: str = ""  # as the issue states it: "<= 1.5x", ">= 400 req/s"
    passed: bool | None = None
    database: str = ""
    note: str = ""  # "skipped: route missing", "errors: 409 x3", ...
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def skipped(scenario: str, reason: str, database: str = "") -> Figure:
    return Figure(scenario, "-", None, "", database=database, note=f"skipped: {reason}")


def failed(scenario: str, reason: str, database: str = "") -> Figure:
    return Figure(
        scenario, "-", None, "", passed=False, database=database, note=f"failed: {reason}"
    )


def ratio_of(value: float | None, floor: float | None) -> float | None:
    if value is None or not floor:
        return None
    return value / floor


def at_most(ratio: float | None, limit: float) -> bool | None:
    return None if ratio is None else ratio <= limit


def median_round(rounds: Sequence[T], ratio: Callable[[T], float | None]) -> T:
    """The round whose ratio is the median (rounds without one rank last). Scenarios time a figure
    and its floor back to back in several rounds and report this one: a burst of noise on the
    machine moves one round, not the figure."""
    ranked = sorted(rounds, key=lambda r: (ratio(r) is None, ratio(r) or 0.0))
    return ranked[len(ranked) // 2]


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of `values`; None if there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit == "count" or (abs(value) >= 100 and float(value).is_integer()):
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _mark(passed: bool | None) -> str:
    return {True: "pass", False: "MISS", None: ""}[passed]


def table(figures: Iterable[Figure]) -> str:
    """The figures as a fixed-width text table, in the order given."""
    header = ("scenario", "db", "measure", "value", "floor", "ratio", "target", "result", "note")
    rows = [header]
    for f in figures:
        value = f"{_number(f.value, f.unit)} {f.unit}".strip() if f.value is not None else "-"
        floor = f"{_number(f.floor, f.unit)}" if f.floor is not None else "-"
        if f.floor_label and f.floor is not None:
            floor = f"{floor} ({f.floor_label})"
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
        rows.append(
            (
                f.scenario,
                f.database or "-",
                f.measure,
                value,
                floor,
                ratio,
                f.target or "-",
                _mark(f.passed),
                f.note,
            )
        )
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header) - 1)]
    lines = []
    for n, row in enumerate(rows):
        cells = [str(c).ljust(w) for c, w in zip(row[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, str(row[-1])]).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
