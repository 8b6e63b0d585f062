"""Properties of scoring that must hold for any framework and any answers."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assessments.scoring import (
    Answer,
    Result,
    api_percent,
    award_for,
    award_gaps,
    display_percent,
    exact,
    qualifies,
    score,
)
from app.frameworks.model import Framework
from tests.assessments.scoring_support import COMPLAINTS, MAIN, shipped

PROPERTY = settings(max_examples=100, deadline=None)
WEIGHTS = [0.25, 0.5, 1, 1.5, 2, 3, 10]
PERCENTS = [0, 20, 25, 40, 50, 62.5, 66.7, 75, 80, 100]


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    """Small frameworks with any scale, weights and awards, plus the two shipped ones."""
    if draw(st.booleans()):
        return shipped(draw(st.sampled_from([MAIN, COMPLAINTS])))
    values = sorted(draw(st.sets(st.integers(-3, 12), min_size=2, max_size=5)))
    themes = []
    for t in range(draw(st.integers(1, 3))):
        criteria = []
        for c in range(draw(st.integers(1, 2))):
            elements = [
                {
                    "code": f"T{t}.{c}.{e}",
                    "statement": "Something is true",
                    "weight": draw(st.sampled_from(WEIGHTS)),
                    "mandatory": draw(st.booleans()),
                }
                for e in range(draw(st.integers(1, 3)))
            ]
            criteria.append({"code": f"T{t}.{c}", "title": "C", "elements": elements})
        weight = draw(st.sampled_from(WEIGHTS))
        themes.append({"code": f"T{t}", "title": "T", "weight": weight, "criteria": criteria})
    awards = [
        {"code": f"award-{i}", "label": f"Award {i}", "rules": draw(award_rules(values))}
        for i in range(draw(st.integers(0, 3)))
    ]
    data = {
        "format": 1,
        "slug": "generated",
        "version": "1",
        "title": "Generated",
        "scale": {
            "levels": [{"value": v, "label": f"Level {v}"} for v in values],
            "allow_not_applicable": True,
        },
        "awards": awards,
        "themes": themes,
    }
    return msgspec.convert(data, Framework)


def award_rules(values: list[int]) -> st.SearchStrategy[dict[str, Any]]:
    on_scale = st.sampled_from(values)
    rules = {
        "min_overall_percent": st.sampled_from(PERCENTS),
        "min_theme_percent": st.sampled_from(PERCENTS),
        "min_element_score": on_scale,
        "min_mandatory_score": on_scale,
        "max_elements_below": st.fixed_dictionaries(
            {"score": on_scale, "count": st.integers(0, 4)}
        ),
    }
    return st.fixed_dictionaries({}, optional=rules)


@st.composite
def assessments(draw: st.DrawFn) -> tuple[Framework, dict[str, Answer]]:
    """A framework and answers: each element scored, not applicable (with any stored score) or
    left out."""
    framework = draw(frameworks())
    values = [level.value for level in framework.scale.levels]
    answers: dict[str, Answer] = {}
    for element in framework.elements():
        kind = draw(st.sampled_from(["scored", "scored", "scored", "n/a", "missing"]))
        if kind == "scored":
            answers[element.code] = Answer(draw(st.sampled_from(values)))
        elif kind == "n/a":
            answers[element.code] = Answer(draw(st.none() | st.integers()), not_applicable=True)
    return framework, answers


def percents(result: Result) -> list[Fraction | None]:
    return [
        result.overall,
        *result.themes.values(),
        *result.criteria.values(),
        *result.elements.values(),
    ]


def rank(framework: Framework, answers: dict[str, Answer]) -> int:
    """0 for the highest award, len(awards) for none."""
    earned = award_for(framework, answers)
    return len(framework.awards) if earned is None else framework.awards.index(earned)


@PROPERTY
@given(assessments())
def test_every_percent_lies_between_0_and_100(case: tuple[Framework, dict[str, Answer]]) -> None:
    framework, answers = case

    for value in percents(score(framework, answers)):
        assert value is None or 0 <= value <= 100


@PROPERTY
@given(assessments(), st.data())
def test_raising_one_score_never_lowers_a_percent_or_the_award(
    case: tuple[Framework, dict[str, Answer]], data: st.DataObject
) -> None:
    framework, answers = case
    scored = [code for code, a in answers.items() if not a.not_applicable]
    values = [level.value for level in framework.scale.levels]
    if not scored or all(answers[code].score == values[-1] for code in scored):
        return
    code = data.draw(st.sampled_from([c for c in scored if answers[c].score != values[-1]]))
    old_score = answers[code].score
    assert old_score is not None
    higher = data.draw(st.sampled_from([v for v in values if v > old_score]))
    raised = answers | {code: Answer(higher)}

    before, after = score(framework, answers), score(framework, raised)

    for old, new in zip(percents(before), percents(after), strict=True):
        assert (old is None) == (new is None)
        assert old is None or new is None or new >= old
    assert rank(framework, raised) <= rank(framework, answers)


def scaled(framework: Framework, theme_factor: Fraction, element_factor: Fraction) -> Framework:
    def times(weight: float, factor: Fraction) -> float:
        return float(exact(weight) * factor)

    return msgspec.structs.replace(
        framework,
        themes=[
            msgspec.structs.replace(
                theme,
                weight=times(theme.weight, theme_factor),
                criteria=[
                    msgspec.structs.replace(
                        criterion,
                        elements=[
                            msgspec.structs.replace(e, weight=times(e.weight, element_factor))
                            for e in criterion.elements
                        ],
                    )
                    for criterion in theme.criteria
                ],
            )
            for theme in framework.themes
        ],
    )


FACTORS = st.sampled_from([Fraction(1, 10), Fraction(1, 2), Fraction(2), Fraction(3), Fraction(7)])


@PROPERTY
@given(assessments(), FACTORS, FACTORS)
def test_multiplying_weights_by_a_constant_changes_nothing(
    case: tuple[Framework, dict[str, Answer]], theme_factor: Fraction, element_factor: Fraction
) -> None:
    framework, answers = case
    heavier = scaled(framework, theme_factor, element_factor)

    assert score(heavier, answers) == score(framework, answers)
    assert award_for(heavier, answers) == award_for(framework, answers)
    for award in framework.awards:
        assert award_gaps(heavier, answers, award) == award_gaps(framework, answers, award)


@PROPERTY
@given(assessments(), st.data())
def test_score_stored_on_a_not_applicable_answer_never_counts(
    case: tuple[Framework, dict[str, Answer]], data: st.DataObject
) -> None:
    framework, answers = case
    changed = {
        code: Answer(data.draw(st.none() | st.integers()), not_applicable=True)
        if answer.not_applicable
        else answer
        for code, answer in answers.items()
    }

    assert score(framework, changed) == score(framework, answers)
    assert award_for(framework, changed) == award_for(framework, answers)
    for award in framework.awards:
        assert award_gaps(framework, changed, award) == award_gaps(framework, answers, award)


@PROPERTY
@given(assessments())
def test_award_gaps_are_empty_exactly_when_the_award_is_earned(
    case: tuple[Framework, dict[str, Answer]],
) -> None:
    framework, answers = case
    if score(framework, answers).overall is None:
        return

    for award in framework.awards:
        assert (award_gaps(framework, answers, award) == []) == qualifies(framework, answers, award)


@PROPERTY
@given(st.fractions(min_value=-1000, max_value=1000))
def test_rounded_percents_are_within_half_a_unit_of_the_exact_value(value: Fraction) -> None:
    shown = Fraction(display_percent(value))
    sent = api_percent(value)

    assert abs(shown - value) <= Fraction(1, 20)
    assert sent is not None and abs(Fraction(str(sent)) - value) <= Fraction(1, 20000)
