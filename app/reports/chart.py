"""The board report's chart: theme percents as paired horizontal bars, self-assessed against
moderated, a small standalone SVG (no charting library, no scripts, no styles). This module works
out where each bar goes; reports/theme_chart.svg draws them."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from app.assessments.scoring import display_percent
from app.templating import environment

SELF_COLOUR = "#8eb8dc"  # light blue: the department's own view
MODERATED_COLOUR = "#0b4f5c"  # the service's dark teal: what the assessor found

LABEL_WIDTH = 190
BAR_AREA = 360
RIGHT_MARGIN = 60
BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_GAP = 16
TOP = 36
BOTTOM = 28


@dataclass(frozen=True)
class Bar:
    label: str
    self_percent: Fraction | None
    moderated_percent: Fraction | None


@dataclass(frozen=True)
class DrawnBar:
    """One bar as drawn: where it starts, how long it is, and the figure written after it."""

    top: int
    length: int
    colour: str
    shown: str


@dataclass(frozen=True)
class Group:
    label: str
    label_y: int
    bars: tuple[DrawnBar, DrawnBar]


def _length(percent: Fraction | None) -> int:
    """Bar length in user units, rounded half up; nothing scored draws no bar."""
    if percent is None:
        return 0
    clamped = min(max(percent, Fraction(0)), Fraction(100))
    return int(clamped * BAR_AREA / 100 + Fraction(1, 2))


def _shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _drawn(top: int, percent: Fraction | None, colour: str) -> DrawnBar:
    shown = display_percent(percent) + ("%" if percent is not None else "")
    return DrawnBar(top, _length(percent), colour, shown)


def theme_chart_svg(bars: Sequence[Bar], title: str = "Theme percents") -> str:
    """An SVG document: for each theme a self-assessed bar above a moderated bar, 0-100%."""
    group = 2 * BAR_HEIGHT + BAR_GAP + GROUP_GAP
    axis_y = TOP + group * len(bars) - GROUP_GAP + 6
    groups = [
        Group(
            _shorten(bar.label),
            TOP + index * group + BAR_HEIGHT + 2,
            (
                _drawn(TOP + index * group, bar.self_percent, SELF_COLOUR),
                _drawn(
                    TOP + index * group + BAR_HEIGHT + BAR_GAP,
                    bar.moderated_percent,
                    MODERATED_COLOUR,
                ),
            ),
        )
        for index, bar in enumerate(bars)
    ]
    return (
        environment()
        .get_template("reports/theme_chart.svg")
        .render(
            title=title,
            width=LABEL_WIDTH + BAR_AREA + RIGHT_MARGIN,
            height=TOP + group * len(bars) + BOTTOM,
            left=LABEL_WIDTH,
            bar_height=BAR_HEIGHT,
            axis_top=TOP - 4,
            axis_y=axis_y,
            ticks=[(tick, LABEL_WIDTH + tick * BAR_AREA // 100) for tick in range(0, 101, 25)],
            groups=groups,
            self_colour=SELF_COLOUR,
            moderated_colour=MODERATED_COLOUR,
        )
    )


def data_uri(svg: str) -> str:
    """The SVG as a data: URI for an img element with alt text (the CSP and the PDF fetcher
    allow it)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
