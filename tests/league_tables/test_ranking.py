"""Ranking rules, pure: ties, order, as-of and validity windows, latest result, changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from app.assessments.scoring import api_percent
from app.league_tables import ranking
from app.league_tables.ranking import Candidate, Published


def candidate(
    org: str,
    overall: Fraction | int,
    day: str = "2026-01-10",
    *,
    name: str | None = None,
    validity: int = 36,
    award: str | None = "gold",
    version: str = "1",
) -> Candidate:
    return Candidate(
        organisation=org,
        organisation_name=name or org.title(),
        organisation_kind="department",
        concluded_at=dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12), tzinfo=dt.UTC),
        framework_version=version,
        validity_months=validity,
        overall=Fraction(overall),
        themes={"A": str(Fraction(overall))},
        award_code=award,
        award_label=award and award.title(),
    )


AS_OF = dt.date(2026, 3, 1)


def test_equal_percents_share_a_rank_and_the_next_rank_is_skipped() -> None:
    rows = ranking.build_rows(
        [
            candidate("d", 40),
            candidate("b", Fraction(200, 3)),
            candidate("c", Fraction(200, 3)),
            candidate("a", 90),
        ],
        AS_OF,
        None,
    )
    assert [(r["rank"], r["organisation"]) for r in rows] == [
        (1, "a"),
        (2, "b"),
        (2, "c"),
        (4, "d"),
    ]


def test_ties_are_listed_by_organisation_name_not_slug() -> None:
    rows = ranking.build_rows(
        [candidate("zz", 50, name="Alpha Agency"), candidate("aa", 50, name="Beta Board")],
        AS_OF,
        None,
    )
    assert [r["organisation_name"] for r in rows] == ["Alpha Agency", "Beta Board"]
    assert [r["rank"] for r in rows] == [1, 1]


def test_exact_fractions_decide_ties_not_rounded_percents() -> None:
    # Both round to 66.6667 but they are not equal, so they do not share a rank.
    rows = ranking.build_rows(
        [candidate("a", Fraction(200, 3)), candidate("b", Fraction(666667, 10000))], AS_OF, None
    )
    assert [(r["organisation"], r["rank"]) for r in rows] == [("b", 1), ("a", 2)]
    assert rows[0]["overall_percent"] == rows[1]["overall_percent"] == 66.6667
    assert rows[1]["exact"]["overall"] == "200/3"


def test_organisations_without_an_award_are_listed() -> None:
    rows = ranking.build_rows([candidate("a", 20, award=None), candidate("b", 80)], AS_OF, None)
    assert [(r["organisation"], r["award"]) for r in rows] == [
        ("b", {"code": "gold", "label": "Gold"}),
        ("a", None),
    ]


def test_only_the_latest_current_result_of_each_organisation_counts() -> None:
    rows = ranking.build_rows(
        [
            candidate("a", 90, "2025-01-10"),
            candidate("a", 40, "2026-02-01", version="2"),
            candidate("a", 10, "2026-03-02"),
        ],  # after the as-of date
        AS_OF,
        None,
    )
    assert [(r["organisation"], r["overall_percent"], r["framework_version"]) for r in rows] == [
        ("a", 40.0, "2")
    ]


def test_results_concluded_after_the_as_of_date_are_left_out_in_uk_time() -> None:
    late_evening = replace(
        candidate("a", 50), concluded_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    )
    # 23:30 UTC on 1 March is still 1 March in the UK (GMT), but in summer it would be 2 June BST.
    assert ranking.build_rows([late_evening], AS_OF, None)
    summer = replace(late_evening, concluded_at=dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC))
    assert not ranking.build_rows([summer], dt.date(2026, 6, 1), None)
    assert ranking.build_rows([summer], dt.date(2026, 6, 2), None)


def test_results_outside_their_versions_certificate_validity_are_left_out() -> None:
    # Concluded 1 March 2025 with 12 months' validity: valid to 28 February 2026, gone on 1 March.
    old = candidate("a", 50, "2025-03-01", validity=12)
    assert ranking.build_rows([old], dt.date(2026, 2, 28), None)
    assert not ranking.build_rows([old], dt.date(2026, 3, 1), None)
    longer = candidate("a", 50, "2025-03-01", validity=36)
    assert ranking.build_rows([longer], dt.date(2026, 3, 1), None)


def test_an_expired_latest_result_lets_an_earlier_one_with_longer_validity_stand() -> None:
    rows = ranking.build_rows(
        [
            candidate("a", 80, "2024-06-01", validity=36),
            candidate("a", 30, "2025-01-01", validity=12),
        ],
        AS_OF,
        None,
    )
    assert [r["overall_percent"] for r in rows] == [80.0]


def test_changes_compare_with_the_previous_table_and_are_null_for_newcomers() -> None:
    before = ranking.build_rows([candidate("a", 60), candidate("b", 70)], AS_OF, None)
    after = ranking.build_rows(
        [candidate("a", Fraction(145, 2)), candidate("b", 70), candidate("c", 10)],
        AS_OF,
        ranking.standings(before),
    )
    changes = {r["organisation"]: (r["rank"], r["rank_change"], r["score_change"]) for r in after}
    assert changes == {"a": (1, 1, 12.5), "b": (2, -1, 0.0), "c": (3, None, None)}
    assert after[0]["exact"]["score_change"] == "25/2"


def test_percents_are_rounded_half_away_from_zero_to_four_places() -> None:
    rows = ranking.build_rows([candidate("a", Fraction(123456785, 10**6))], AS_OF, None)
    assert rows[0]["overall_percent"] == 123.4568


def table(published: str, revises: Published | None = None) -> Published:
    return Published(uuid4(), revises.id if revises else None, dt.datetime.fromisoformat(published))


def test_previous_table_is_the_latest_one_published_before() -> None:
    first, second = table("2026-01-01T10:00+00:00"), table("2026-02-01T10:00+00:00")
    now = dt.datetime.fromisoformat("2026-03-01T10:00+00:00")
    assert ranking.previous_table([first, second], now) == second.id
    assert ranking.previous_table([], now) is None


def test_a_revised_table_gives_way_to_its_revision() -> None:
    first = table("2026-01-01T10:00+00:00")
    correction = table("2026-01-05T10:00+00:00", revises=first)
    second = table("2026-02-01T10:00+00:00")
    now = dt.datetime.fromisoformat("2026-03-01T10:00+00:00")
    # second compares with the correction of first, and a new table with second
    assert ranking.previous_table([first, correction, second], second.published_at) == correction.id
    assert ranking.previous_table([first, correction, second], now) == second.id


def test_a_revision_compares_with_what_the_table_it_replaces_compared_with() -> None:
    first, second = table("2026-01-01T10:00+00:00"), table("2026-02-01T10:00+00:00")
    now = dt.datetime.fromisoformat("2026-03-01T10:00+00:00")
    assert ranking.previous_table([first, second], now, revises=second.id) == first.id
    assert ranking.previous_table([first, second], now, revises=first.id) is None


def test_stored_exact_percents_read_back_exactly() -> None:
    for text in ("200/3", "75", "-5/2", "0", "66.5"):
        assert ranking.exact(text) == Fraction(text)


def test_changes_in_score_are_exact_whatever_the_signs() -> None:
    values = [Fraction(n, d) for n in (-7, 0, 1, 50, 200) for d in (1, 3, 48, 720)]
    for now in values:
        for then in values:
            assert ranking.change_of(now, str(now), str(then)) == str(now - then)
    assert (
        ranking.change_of(Fraction(1, 2), "1/2", "0.25") == "1/4"
    )  # not our own text: still exact


@given(st.fractions(min_value=-200, max_value=200, max_denominator=10**7))
def test_rounding_for_the_json_agrees_with_scoring_api_percent(value: Fraction) -> None:
    assert ranking._api_percent(str(value)) == api_percent(value)


def test_rounding_halves_away_from_zero_and_reads_any_exact_text() -> None:
    assert ranking._api_percent("123456785/1000000") == 123.4568
    assert ranking._api_percent("-123456785/1000000") == -123.4568
    assert ranking._api_percent("66.66665") == api_percent(Fraction("66.66665")) == 66.6667
