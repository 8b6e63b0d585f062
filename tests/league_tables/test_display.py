"""How rows, spreads and charts are shown (pure): sorting, paging, changes, quartiles, SVG."""

from __future__ import annotations

from fractions import Fraction

from bs4 import BeautifulSoup

from app.league_tables import charts, display
from app.league_tables.distribution import quantile, spread
from app.templating import environment


def row(org: str, overall: str, themes: dict[str, str | None], kind: str = "department") -> dict:
    return {
        "rank": 1,
        "organisation": org,
        "organisation_name": org.title(),
        "organisation_kind": kind,
        "award": None,
        "rank_change": None,
        "exact": {"overall": overall, "themes": themes, "score_change": None},
    }


def test_sorting_by_a_theme_puts_organisations_without_that_percent_last() -> None:
    rows = [
        row("a", "50", {"X": None}),
        row("b", "40", {"X": "90"}),
        row("c", "30", {}),
        row("d", "20", {"X": "95"}),
    ]
    shown = display.arrange(rows, ["X"], "X", None)
    assert [r.organisation for r in shown] == ["d", "b", "a", "c"]
    assert [r.themes for r in shown] == [["95.0%"], ["90.0%"], ["Not applicable"], ["Not assessed"]]


def test_filtering_by_kind_keeps_the_table_ranks() -> None:
    rows = [row("a", "50", {}), {**row("b", "40", {}, kind="agency"), "rank": 2}]
    assert [(r.organisation, r.rank) for r in display.arrange(rows, [], "rank", "agency")] == [
        ("b", 2)
    ]


def test_changes_are_put_into_words() -> None:
    assert [display.rank_change_text(c) for c in (None, 0, 3, -2)] == [
        "New",
        "No change",
        "Up 3",
        "Down 2",
    ]
    assert display.score_change_text("-5/2") == "\N{MINUS SIGN}2.5"
    assert display.score_change_text("1/3") == "+0.3"
    assert display.score_change_text("1/100") == "0.0"
    assert display.score_change_text(None) == "New"


def test_long_tables_are_shown_a_page_at_a_time() -> None:
    rows = display.arrange([row(f"o{i:03d}", "50", {}) for i in range(250)], [], "name", None)
    page = display.page_of(rows, 3)
    assert (page.number, page.count, page.first, page.last, len(page.rows)) == (3, 3, 201, 250, 50)
    assert display.page_of(rows, 99).number == 3 and display.page_of(rows, -1).number == 1
    assert display.page_of([], 1).count == 1
    assert display.page_numbers(5, 9) == [1, None, 4, 5, 6, None, 9]
    assert display.page_numbers(1, 2) == [1, 2]


def test_quartiles_interpolate_like_quartile_inc_exactly() -> None:
    values = [Fraction(v) for v in (0, 25, 50, 100)]
    assert quantile(values, Fraction(1, 4)) == Fraction(75, 4)
    s = spread("X", "Theme", list(reversed(values)))
    assert (s.minimum, s.median, s.upper_quartile, s.maximum) == (
        0,
        Fraction(75, 2),
        Fraction(125, 2),
        100,
    )
    assert spread("X", "Theme", [Fraction(40)]).median == 40
    assert spread("X", "Theme", []).median is None


def drawn(chart: charts.Chart) -> str:
    return str(environment().from_string(DRAW).render(chart=chart))


DRAW = '{% from "league_tables/_charts.html" import svgChart %}{{ svgChart(chart) }}'


def test_charts_escape_names_and_describe_their_figures() -> None:
    svg = BeautifulSoup(
        drawn(
            charts.history_chart(
                [("2026-01-01", Fraction(50)), ("2026-04-01", Fraction(200, 3))],
                "<script>alert(1)</script> history",
            )
        ),
        "html.parser",
    )
    assert svg.find("script") is None
    assert svg.svg["role"] == "img"
    assert svg.title.get_text() == "<script>alert(1)</script> history"
    assert "2026-04-01: 66.7%" in svg.desc.get_text()
    assert svg.polyline is not None and len(svg.find_all("circle")) == 2
    boxes = BeautifulSoup(
        drawn(
            charts.spread_chart(
                [spread("X", "Theme <b>", [Fraction(10), Fraction(30)]), spread("Y", "Empty", [])],
                "Spread",
            )
        ),
        "html.parser",
    )
    assert boxes.find("b") is None and "Empty: no scores" in boxes.desc.get_text()
    assert len(boxes.find_all("rect")) == 1
