"""How a table's rows are shown on a page (pure): sorted by a theme, filtered by kind of body, and
percents and changes put into words. The stored rows are never changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from app.assessments.scoring import display_percent
from app.organisations.kinds import KINDS

BY_RANK = "rank"
BY_NAME = "name"
MINUS = "\N{MINUS SIGN}"


@dataclass(frozen=True)
class ShownRow:
    rank: int
    organisation: str
    organisation_name: str
    kind: str
    award: str
    overall: str
    themes: list[str]
    rank_change: str
    score_change: str


def _exact(value: str | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def rank_change_text(change: int | None) -> str:
    if change is None:
        return "New"
    if change == 0:
        return "No change"
    return f"Up {change}" if change > 0 else f"Down {-change}"


def score_change_text(exact: str | None) -> str:
    """Percentage points to one decimal place, signed ("+2.5", a minus sign for a fall, "0.0");
    "New" when the organisation was not in the previous table."""
    if exact is None:
        return "New"
    change = Fraction(exact)
    shown = display_percent(abs(change))
    if shown == "0.0":
        return "0.0"
    return ("+" if change > 0 else MINUS) + shown


def sort_key(sort: str, theme_codes: Sequence[str]) -> str:
    """The sort a request asked for, or by rank when it names nothing the table has."""
    return sort if sort in (BY_RANK, BY_NAME, *theme_codes) else BY_RANK


def choose(
    rows: Sequence[Mapping[str, Any]], theme_codes: Sequence[str], sort: str, kind: str | None
) -> list[Mapping[str, Any]]:
    """Rows of one kind of body (or all), by rank, by name, or by a theme (highest first, those
    without a percent last, then by name)."""
    chosen = [r for r in rows if not kind or r["organisation_kind"] == kind]
    if sort == BY_NAME:
        chosen.sort(key=lambda r: (r["organisation_name"].casefold(), r["organisation"]))
    elif sort in theme_codes:

        def by_theme(row: Mapping[str, Any]) -> tuple[bool, Fraction, str]:
            value = _exact(row["exact"]["themes"].get(sort))
            return (value is None, -(value or Fraction(0)), row["organisation_name"].casefold())

        chosen.sort(key=by_theme)
    return chosen


def shown(rows: Iterable[Mapping[str, Any]], theme_codes: Sequence[str]) -> list[ShownRow]:
    """Rows in words, for a page or a document."""
    return [
        ShownRow(
            rank=r["rank"],
            organisation=r["organisation"],
            organisation_name=r["organisation_name"],
            kind=KINDS.get(r["organisation_kind"], r["organisation_kind"]),
            award=r["award"]["label"] if r["award"] else "No award",
            overall=display_percent(Fraction(r["exact"]["overall"])) + "%",
            themes=[_percent_text(r["exact"]["themes"], code) for code in theme_codes],
            rank_change=rank_change_text(r["rank_change"]),
            score_change=score_change_text(r["exact"].get("score_change")),
        )
        for r in rows
    ]


def arrange(
    rows: Sequence[Mapping[str, Any]], theme_codes: Sequence[str], sort: str, kind: str | None
) -> list[ShownRow]:
    return shown(choose(rows, theme_codes, sort, kind), theme_codes)


def _percent_text(themes: Mapping[str, str | None], code: str) -> str:
    if code not in themes:
        return "Not assessed"
    value = _exact(themes[code])
    return "Not applicable" if value is None else display_percent(value) + "%"


def kinds_in(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(kind, label) of every kind of body in the table, in the order organisations.kinds lists."""
    present = {r["organisation_kind"] for r in rows}
    return [(k, label) for k, label in KINDS.items() if k in present] + [
        (k, k) for k in sorted(present - KINDS.keys())
    ]


PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    number: int  # 1-based, within 1..count
    count: int  # how many pages
    first: int  # 1-based position of the first row shown
    last: int


def page_of(rows: Sequence[Any], number: int, size: int = PAGE_SIZE) -> Page:
    """One page of rows; a page number out of range shows the nearest page."""
    count = max(1, -(-len(rows) // size))
    number = min(max(number, 1), count)
    start = (number - 1) * size
    shown = list(rows[start : start + size])
    return Page(shown, number, count, start + 1 if shown else 0, start + len(shown))


def page_numbers(current: int, count: int) -> list[int | None]:
    """Page links to offer: the first, the last, and those next to the current; None for a gap."""
    wanted = sorted({1, count, current - 1, current, current + 1} & set(range(1, count + 1)))
    numbers: list[int | None] = []
    for n in wanted:
        if numbers and numbers[-1] is not None and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers
