"""The board report's chart: theme percents as paired horizontal bars, self-assessed against
moderated, drawn as a small standalone SVG (no charting library, no scripts, no styles)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from html import escape

from app.assessments.scoring import display_percent

SELF_COLOUR = "#8eb8dc"  # light blue: the department's own view
MODERATED_COLOUR = "#0b4f5c"  # the service's dark teal: what the assessor found
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"

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


def _length(percent: Fraction | None) -> int:
    """Bar length in user units, rounded half up; nothing scored draws no bar."""
    if percent is None:
        return 0
    clamped = min(max(percent, Fraction(0)), Fraction(100))
    return int(clamped * BAR_AREA / 100 + Fraction(1, 2))


def _shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def theme_chart_svg(bars: Sequence[Bar], title: str = "Theme percents") -> str:
    """An SVG document: for each theme a self-assessed bar above a moderated bar, 0-100%."""
    group = 2 * BAR_HEIGHT + BAR_GAP + GROUP_GAP
    width = LABEL_WIDTH + BAR_AREA + RIGHT_MARGIN
    height = TOP + group * len(bars) + BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" '
        'font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{LABEL_WIDTH}" y="8" width="12" height="10" fill="{SELF_COLOUR}"/>',
        f'<text x="{LABEL_WIDTH + 16}" y="17" fill="{TEXT_COLOUR}">Self-assessed</text>',
        f'<rect x="{LABEL_WIDTH + 120}" y="8" width="12" height="10" fill="{MODERATED_COLOUR}"/>',
        f'<text x="{LABEL_WIDTH + 136}" y="17" fill="{TEXT_COLOUR}">Moderated</text>',
    ]
    axis_y = TOP + group * len(bars) - GROUP_GAP + 6
    for tick in range(0, 101, 25):
        x = LABEL_WIDTH + tick * BAR_AREA // 100
        parts.append(
            f'<line x1="{x}" y1="{TOP - 4}" x2="{x}" y2="{axis_y}" stroke="{GRID_COLOUR}" '
            'stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{x}" y="{axis_y + 14}" text-anchor="middle" fill="{TEXT_COLOUR}">'
            f"{tick}%</text>"
        )
    for index, bar in enumerate(bars):
        y = TOP + index * group
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT + 2}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(_shorten(bar.label))}</text>'
        )
        for offset, percent, colour in (
            (0, bar.self_percent, SELF_COLOUR),
            (BAR_HEIGHT + BAR_GAP, bar.moderated_percent, MODERATED_COLOUR),
        ):
            length = _length(percent)
            top = y + offset
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{top}" width="{length}" height="{BAR_HEIGHT}" '
                f'fill="{colour}"/>'
            )
            shown = display_percent(percent) + ("%" if percent is not None else "")
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 4}" y="{top + BAR_HEIGHT - 3}" '
                f'fill="{TEXT_COLOUR}">{escape(shown)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def data_uri(svg: str) -> str:
    """The SVG as a data: URI for an <img> with alt text (the CSP and the PDF fetcher allow it)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
