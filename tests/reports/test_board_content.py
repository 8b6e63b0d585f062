"""The board report's pure parts: quartiles, league table rows read defensively, the action plan."""

from __future__ import annotations

import json

import pytest

from app.frameworks.loader import load_file
from app.reports.board import Marked, action_plan, league_position, points, quartile
from tests.factories import MAIN_FRAMEWORK

ORG = {"id": "7d0c", "slug": "dept-a", "name": "Department A"}


@pytest.mark.parametrize(
    ("rank", "total", "expected"),
    [
        (1, 8, 1),
        (2, 8, 1),
        (3, 8, 2),
        (4, 8, 2),
        (5, 8, 3),
        (7, 8, 4),
        (8, 8, 4),
        (1, 1, 1),
        (2, 3, 2),
        (3, 3, 3),
    ],
)
def test_quartile_of_a_rank(rank: int, total: int, expected: int) -> None:
    assert quartile(rank, total) == expected


def test_league_rows_name_the_organisation_in_any_reasonable_way() -> None:
    rows = [
        {"rank": 1, "organisation": "someone-else"},
        {"rank": 2, "organisation": {"slug": "dept-a"}},
        {"rank": 2, "organisation": "x"},
        {"rank": 4, "organisation": "y"},
    ]
    found = league_position({"title": "T", "as_of": "2026-10-01", "rows": json.dumps(rows)}, ORG)
    assert (found.rank, found.total, found.quartile) == (2, 4, "second quartile")
    assert league_position({"rows": [{"rank": 1, "organisation": "Department A"}]}, ORG).rank == 1
    assert league_position({"rows": [{"rank": 1, "organisation_id": "7d0c"}]}, ORG).rank == 1


@pytest.mark.parametrize(
    "rows",
    [
        None,
        "not json",
        {"rank": 1},
        [1, 2],
        [{"organisation": "dept-a"}],
        [{"rank": "first", "organisation": "dept-a"}],
        [],
    ],
)
def test_unreadable_league_rows_mean_no_position(rows: object) -> None:
    assert league_position({"rows": rows}, ORG) is None
    assert league_position(None, ORG) is None


def test_points_are_signed_changes() -> None:
    from fractions import Fraction

    assert points(Fraction(50, 3)) == "+16.7 points"
    assert points(Fraction(-7, 2)) == "\N{MINUS SIGN}3.5 points"
    assert points(Fraction(1, 1000)) == "no change"
    assert points(None) == "—"


def test_action_plan_lists_each_gap_with_the_level_the_next_award_needs() -> None:
    framework = load_file(MAIN_FRAMEWORK).framework
    moderated = {e.code: Marked(4) for e in framework.elements()}
    moderated["LEAD.1.1"] = Marked(
        2, improvement="Publish the vision"
    )  # mandatory: Excellence needs 3
    moderated["LEAD.1.2"] = Marked(1)  # Excellence needs every element at 2 or more
    excellence = framework.awards[0]
    plan = action_plan(framework, moderated, excellence, {})
    assert [(a.code, a.current, a.needed, a.improvement) for a in plan] == [
        ("LEAD.1.1", "2 \N{EN DASH} Established", "3 \N{EN DASH} Embedded", "Publish the vision"),
        ("LEAD.1.2", "1 \N{EN DASH} Developing", "2 \N{EN DASH} Established", ""),
    ]


def test_action_plan_for_a_failing_theme_names_the_level_that_reaches_the_bar() -> None:
    framework = load_file(MAIN_FRAMEWORK).framework
    moderated = {e.code: Marked(4) for e in framework.elements()}
    for element in (
        framework.themes[0].criteria[0].elements + framework.themes[0].criteria[1].elements
    ):
        moderated[element.code] = Marked(1)
    accredited = framework.awards[
        1
    ]  # theme at least 50%: a 1 (25%) is below it, a 2 (50%) reaches it
    plan = action_plan(framework, moderated, accredited, {"LEAD": 0})
    assert plan and all(
        a.needed == "2 \N{EN DASH} Established"
        for a in plan
        if a.current == "1 \N{EN DASH} Developing"
    )
