"""Spread of theme percents across a table's organisations (pure): median and quartiles, exact."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class ThemeSpread:
    code: str
    title: str
    count: int  # organisations with a percent for this theme
    minimum: Fraction | None
    lower_quartile: Fraction | None
    median: Fraction | None
    upper_quartile: Fraction | None
    maximum: Fraction | None


def quantile(ordered: Sequence[Fraction], p: Fraction) -> Fraction:
    """Linear interpolation between closest ranks on (n - 1) * p, as spreadsheets' QUARTILE.INC."""
    position = (len(ordered) - 1) * p
    below = int(position)
    if below + 1 >= len(ordered):
        return ordered[-1]
    return ordered[below] + (ordered[below + 1] - ordered[below]) * (position - below)


def spread(code: str, title: str, values: Sequence[Fraction]) -> ThemeSpread:
    ordered = sorted(values)
    if not ordered:
        return ThemeSpread(code, title, 0, None, None, None, None, None)
    return ThemeSpread(
        code=code,
        title=title,
        count=len(ordered),
        minimum=ordered[0],
        lower_quartile=quantile(ordered, Fraction(1, 4)),
        median=quantile(ordered, Fraction(1, 2)),
        upper_quartile=quantile(ordered, Fraction(3, 4)),
        maximum=ordered[-1],
    )


def theme_spreads(
    rows: Sequence[Mapping[str, Any]], themes: Sequence[tuple[str, str]]
) -> list[ThemeSpread]:
    """One spread per theme (code, title), from the exact theme percents kept in each row."""
    result = []
    for code, title in themes:
        values = [
            Fraction(v) for row in rows if (v := row["exact"]["themes"].get(code)) is not None
        ]
        result.append(spread(code, title, values))
    return result
