"""Charts drawn on the server as SVG (no JavaScript): an organisation's scores over time, and the
spread of each theme's percents. Each chart is an image with a title and a description; the pages
also show the same numbers in a table, which is the accessible version."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from markupsafe import Markup, escape

from app.assessments.scoring import display_percent
from app.league_tables.distribution import ThemeSpread

INK = "#0b0c0c"
GRID = "#b1b4b6"
LINE = "#1d70b8"
BOX = "#d2e2f1"
FONT = 'font-family="GDS Transport, arial, sans-serif" font-size="14"'


def _x(value: Fraction | float, left: float, width: float) -> float:
    return left + width * float(value) / 100


def _svg(width: int, height: int, chart_id: str, title: str, description: str, body: str) -> Markup:
    # Every piece of text in `body` was escaped where it was made; numbers need no escaping.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="charter-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>{body}</svg>'
    )


def history_chart(
    points: Sequence[tuple[str, Fraction]], title: str, chart_id: str = "history"
) -> Markup:
    """Overall percent (0 to 100) at each publication, oldest first, as a line with dots."""
    width, height = 640, 320
    left, right, top, bottom = 56, 24, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = []
    for tick in range(0, 101, 20):
        y = top + plot_h * (1 - tick / 100)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 8}" y="{y + 5:.1f}" text-anchor="end" fill="{INK}" {FONT}>'
            f"{tick}%</text>"
        )
    step = plot_w / max(len(points) - 1, 1)
    coords = []
    dots = []
    for i, (label, value) in enumerate(points):
        x = left + (step * i if len(points) > 1 else plot_w / 2)
        y = top + plot_h * (1 - float(value) / 100)
        coords.append(f"{x:.1f},{y:.1f}")
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{LINE}">'
            f"<title>{escape(label)}: {display_percent(value)}%</title></circle>"
            f'<text x="{x:.1f}" y="{height - bottom + 22}" text-anchor="middle" fill="{INK}" '
            f"{FONT}>{escape(label)}</text>"
        )
    if len(coords) > 1:
        parts.append(
            f'<polyline points="{" ".join(coords)}" fill="none" stroke="{LINE}" stroke-width="3"/>'
        )
    parts.extend(dots)
    shown = "; ".join(f"{label}: {display_percent(value)}%" for label, value in points)
    return _svg(
        width, height, chart_id, title, f"Overall percent by publication. {shown}.", "".join(parts)
    )


def spread_chart(spreads: Sequence[ThemeSpread], title: str, chart_id: str = "spread") -> Markup:
    """A box plot per theme on one 0 to 100 scale: whiskers to the lowest and highest, the box
    from the lower to the upper quartile, a thick line at the median."""
    row_h, label_w, right, top, axis_h = 48, 220, 24, 8, 40
    width = 720
    plot_w = width - label_w - right
    height = top + row_h * len(spreads) + axis_h
    parts = []
    for tick in range(0, 101, 25):
        x = _x(tick, label_w, plot_w)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - axis_h}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{height - axis_h + 22}" text-anchor="middle" fill="{INK}" '
            f"{FONT}>{tick}%</text>"
        )
    described = []
    for i, s in enumerate(spreads):
        middle = top + row_h * i + row_h / 2
        label = s.title if len(s.title) <= 26 else s.title[:25] + "…"
        parts.append(
            f'<text x="{label_w - 12}" y="{middle + 5:.1f}" text-anchor="end" fill="{INK}" '
            f"{FONT}>{escape(label)}</text>"
        )
        if s.count == 0 or None in (
            s.minimum,
            s.lower_quartile,
            s.median,
            s.upper_quartile,
            s.maximum,
        ):
            described.append(f"{s.title}: no scores")
            continue
        lo, q1, med, q3, hi = (
            _x(v, label_w, plot_w)  # type: ignore[arg-type]
            for v in (s.minimum, s.lower_quartile, s.median, s.upper_quartile, s.maximum)
        )
        parts.append(
            f'<line x1="{lo:.1f}" x2="{hi:.1f}" y1="{middle:.1f}" y2="{middle:.1f}" '
            f'stroke="{INK}" stroke-width="2"/>'
            f'<line x1="{lo:.1f}" x2="{lo:.1f}" y1="{middle - 8:.1f}" y2="{middle + 8:.1f}" '
            f'stroke="{INK}" stroke-width="2"/>'
            f'<line x1="{hi:.1f}" x2="{hi:.1f}" y1="{middle - 8:.1f}" y2="{middle + 8:.1f}" '
            f'stroke="{INK}" stroke-width="2"/>'
            f'<rect x="{q1:.1f}" y="{middle - 14:.1f}" width="{max(q3 - q1, 1):.1f}" height="28" '
            f'fill="{BOX}" stroke="{LINE}" stroke-width="2"/>'
            f'<line x1="{med:.1f}" x2="{med:.1f}" y1="{middle - 14:.1f}" y2="{middle + 14:.1f}" '
            f'stroke="{INK}" stroke-width="4"/>'
        )
        described.append(
            f"{s.title}: lowest {display_percent(s.minimum)}%, lower quartile "
            f"{display_percent(s.lower_quartile)}%, median {display_percent(s.median)}%, upper "
            f"quartile {display_percent(s.upper_quartile)}%, highest {display_percent(s.maximum)}%"
        )
    return _svg(width, height, chart_id, title, "; ".join(described) + ".", "".join(parts))
