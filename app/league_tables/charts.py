"""Charts drawn on the server as SVG (no JavaScript): an organisation's scores over time, and the
spread of each theme's percents. This module works out where each mark goes; the macros in
league_tables/_charts.html draw them. Each chart is an image with a title and a description; the
pages also show the same numbers in a table, which is the accessible version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from app.assessments.scoring import display_percent
from app.league_tables.distribution import ThemeSpread


@dataclass(frozen=True)
class Line:
    x1: str
    y1: str
    x2: str
    y2: str
    weight: int = 0  # 0: a grid line; else the stroke width of an ink line


@dataclass(frozen=True)
class Label:
    x: str
    y: str
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Dot:
    x: str
    y: str
    title: str


@dataclass(frozen=True)
class Box:
    x: str
    y: str
    width: str
    height: str


@dataclass(frozen=True)
class Chart:
    chart_id: str
    width: int
    height: int
    title: str
    description: str
    lines: list[Line] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    medians: list[Line] = field(default_factory=list)  # drawn over the boxes
    polyline: str = ""  # the points of the line through the dots, if there are two or more


def _n(value: float) -> str:
    return f"{value:.1f}"


def _x(value: Fraction | float, left: float, width: float) -> float:
    return left + width * float(value) / 100


def history_chart(
    points: Sequence[tuple[str, Fraction]], title: str, chart_id: str = "history"
) -> Chart:
    """Overall percent (0 to 100) at each publication, oldest first, as a line with dots."""
    width, height = 640, 320
    left, right, top, bottom = 56, 24, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    shown = "; ".join(f"{label}: {display_percent(value)}%" for label, value in points)
    chart = Chart(chart_id, width, height, title, f"Overall percent by publication. {shown}.")
    for tick in range(0, 101, 20):
        y = top + plot_h * (1 - tick / 100)
        chart.lines.append(Line(str(left), _n(y), str(width - right), _n(y)))
        chart.labels.append(Label(str(left - 8), _n(y + 5), f"{tick}%", anchor="end"))
    step = plot_w / max(len(points) - 1, 1)
    coords = []
    for i, (label, value) in enumerate(points):
        x = left + (step * i if len(points) > 1 else plot_w / 2)
        y = top + plot_h * (1 - float(value) / 100)
        coords.append(f"{x:.1f},{y:.1f}")
        chart.dots.append(Dot(_n(x), _n(y), f"{label}: {display_percent(value)}%"))
        chart.labels.append(Label(_n(x), str(height - bottom + 22), label))
    return replace(chart, polyline=" ".join(coords)) if len(coords) > 1 else chart


def spread_chart(spreads: Sequence[ThemeSpread], title: str, chart_id: str = "spread") -> Chart:
    """A box plot per theme on one 0 to 100 scale: whiskers to the lowest and highest, the box
    from the lower to the upper quartile, a thick line at the median."""
    row_h, label_w, right, top, axis_h = 48, 220, 24, 8, 40
    width = 720
    plot_w = width - label_w - right
    height = top + row_h * len(spreads) + axis_h
    lines: list[Line] = []
    labels: list[Label] = []
    boxes: list[Box] = []
    medians: list[Line] = []
    for tick in range(0, 101, 25):
        x = _x(tick, label_w, plot_w)
        lines.append(Line(_n(x), str(top), _n(x), str(height - axis_h)))
        labels.append(Label(_n(x), str(height - axis_h + 22), f"{tick}%"))
    described = []
    for i, s in enumerate(spreads):
        middle = top + row_h * i + row_h / 2
        label = s.title if len(s.title) <= 26 else s.title[:25] + "…"
        labels.append(Label(str(label_w - 12), _n(middle + 5), label, anchor="end"))
        if (
            s.count == 0
            or s.minimum is None
            or s.lower_quartile is None
            or s.median is None
            or s.upper_quartile is None
            or s.maximum is None
        ):
            described.append(f"{s.title}: no scores")
            continue
        lo, q1, med, q3, hi = (
            _x(v, label_w, plot_w)
            for v in (s.minimum, s.lower_quartile, s.median, s.upper_quartile, s.maximum)
        )
        lines.append(Line(_n(lo), _n(middle), _n(hi), _n(middle), weight=2))
        lines.append(Line(_n(lo), _n(middle - 8), _n(lo), _n(middle + 8), weight=2))
        lines.append(Line(_n(hi), _n(middle - 8), _n(hi), _n(middle + 8), weight=2))
        boxes.append(Box(_n(q1), _n(middle - 14), _n(max(q3 - q1, 1)), "28"))
        medians.append(Line(_n(med), _n(middle - 14), _n(med), _n(middle + 14), weight=4))
        described.append(
            f"{s.title}: lowest {display_percent(s.minimum)}%, lower quartile "
            f"{display_percent(s.lower_quartile)}%, median {display_percent(s.median)}%, upper "
            f"quartile {display_percent(s.upper_quartile)}%, highest {display_percent(s.maximum)}%"
        )
    return Chart(
        chart_id,
        width,
        height,
        title,
        "; ".join(described) + ".",
        lines,
        labels,
        boxes,
        medians=medians,
    )
