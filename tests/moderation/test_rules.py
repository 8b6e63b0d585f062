"""The pure moderation rules and calibration arithmetic."""

from __future__ import annotations

from fractions import Fraction

import pytest

from app.assessments.scoring import Answer
from app.moderation.gaps import Sample, framework_view, gap, mean, signed
from app.moderation.rules import differs


@pytest.mark.parametrize(
    ("department", "moderated", "expected"),
    [
        (Answer(3), Answer(3), False),
        (Answer(3), Answer(2), True),
        (Answer(None, True), Answer(None, True), False),
        (Answer(None, True), Answer(0), True),
        (Answer(2), Answer(None, True), True),
        (None, Answer(2), True),
    ],
)
def test_a_moderated_answer_differs_when_score_or_applicability_changes(
    department: Answer | None, moderated: Answer, expected: bool
) -> None:
    assert differs(department, moderated) is expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(25, 4), "+6.3"),
        (Fraction(-25, 4), "\u22126.3"),  # a minus sign, not a hyphen
        (Fraction(1, 100), "0.0"),
        (Fraction(-1, 100), "0.0"),
        (Fraction(0), "0.0"),
        (None, "—"),
    ],
)
def test_gaps_are_signed_and_rounded_half_away_from_zero(
    value: Fraction | None, shown: str
) -> None:
    assert signed(value) == shown


def test_means_are_exact_and_skip_missing_values() -> None:
    assert mean([Fraction(1, 3), None, Fraction(1, 6)]) == Fraction(1, 4)
    assert mean([None]) is None
    assert gap(Fraction(80), None) is None


def test_a_theme_nobody_scored_has_no_mean_and_no_over_raters() -> None:
    sample = Sample(
        "a",
        "Org",
        "1",
        "moderated",
        Fraction(50),
        Fraction(40),
        {"A": Fraction(50), "B": None},
        {"A": Fraction(40), "B": None},
    )
    view = framework_view([sample], [("A", "Theme A"), ("B", "Theme B")])
    theme_b = view["themes"][1]
    assert theme_b["assessments"] == 0 and theme_b["mean_gap"]["exact"] is None
    assert theme_b["over_rating"] == []
    assert view["themes"][0]["over_rating"][0]["gap"] == {"exact": "10", "display": "+10.0"}
