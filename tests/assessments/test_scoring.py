"""Exact scoring, rounding, award rules at their thresholds and award gaps."""

from __future__ import annotations

from fractions import Fraction

import msgspec
import pytest
import yaml

from app.assessments.scoring import (
    Answer,
    api_percent,
    award_for,
    award_gaps,
    display_percent,
    next_award,
    score,
    unmet_rules,
)
from app.frameworks.model import Framework
from tests.assessments.scoring_support import (
    COMPLAINTS,
    MAIN,
    answers,
    award,
    from_yaml,
    optional_elements,
    shipped,
)

WORKED_EXAMPLE = """
format: 1
slug: worked-example
version: "1"
title: Worked example
scale:
  levels:
    - {value: 0, label: Not in place}
    - {value: 1, label: Developing}
    - {value: 2, label: Established}
    - {value: 3, label: Embedded}
    - {value: 4, label: Leading}
  allow_not_applicable: true
awards:
  - code: high
    label: High
    rules: {min_overall_percent: 60}
  - code: any
    label: Any
themes:
  - code: A
    title: Theme A
    weight: 2
    criteria:
      - code: A.1
        title: First
        elements:
          - {code: A.1.1, statement: One, weight: 1}
      - code: A.2
        title: Second
        elements:
          - {code: A.2.1, statement: Two, weight: 3}
  - code: B
    title: Theme B
    criteria:
      - code: B.1
        title: Only
        elements:
          - {code: B.1.1, statement: Three}
"""


def worked(**overrides: Answer) -> dict[str, Answer]:
    base = {"A.1.1": Answer(4), "A.2.1": Answer(2), "B.1.1": Answer(3)}
    return base | {code.replace("_", "."): a for code, a in overrides.items()}


def test_worked_example_from_the_format_document_is_exact() -> None:
    result = score(from_yaml(WORKED_EXAMPLE), worked())

    assert result.elements == {"A.1.1": 100, "A.2.1": 50, "B.1.1": 75}
    assert result.criteria == {"A.1": 100, "A.2": 50, "B.1": 75}
    assert result.themes == {"A": Fraction(125, 2), "B": 75}
    assert result.overall == Fraction(200, 3)
    assert display_percent(result.overall) == "66.7"
    assert display_percent(result.themes["A"]) == "62.5"
    assert api_percent(result.overall) == 66.6667


def test_decimal_weights_are_taken_as_written_not_as_binary_floats() -> None:
    framework = from_yaml(
        WORKED_EXAMPLE.replace("weight: 1}", "weight: 0.1}").replace("weight: 3}", "weight: 0.2}")
    )

    result = score(framework, worked(A_2_1=Answer(0)))

    assert result.themes["A"] == Fraction(100, 3)


def test_element_percent_runs_from_the_lowest_to_the_highest_value_on_any_scale() -> None:
    framework = from_yaml(
        WORKED_EXAMPLE.replace("{value: 0,", "{value: -2,").replace("{value: 4,", "{value: 10,")
    )

    result = score(framework, worked(A_1_1=Answer(-2), A_2_1=Answer(1), B_1_1=Answer(10)))

    assert result.elements == {"A.1.1": 0, "A.2.1": 25, "B.1.1": 100}


def test_not_applicable_element_is_left_out_of_every_mean() -> None:
    result = score(from_yaml(WORKED_EXAMPLE), worked(A_2_1=Answer(None, not_applicable=True)))

    assert result.elements["A.2.1"] is None
    assert result.criteria["A.2"] is None
    assert result.themes["A"] == 100
    assert result.overall == Fraction(100 * 2 + 75, 3)


def test_theme_with_every_element_not_applicable_is_left_out_of_overall() -> None:
    na = Answer(4, not_applicable=True)

    result = score(from_yaml(WORKED_EXAMPLE), worked(A_1_1=na, A_2_1=na))

    assert result.themes == {"A": None, "B": 75}
    assert result.overall == 75
    assert display_percent(result.themes["A"]) == "—"


def test_unanswered_and_missing_elements_count_like_not_applicable() -> None:
    answered = {"A.1.1": Answer(None), "B.1.1": Answer(3)}

    result = score(from_yaml(WORKED_EXAMPLE), answered)

    assert result.themes == {"A": None, "B": 75}
    assert result.overall == 75


def test_nothing_scored_gives_no_overall_and_no_award() -> None:
    framework = from_yaml(WORKED_EXAMPLE)
    result = score(framework, {})

    assert result.overall is None
    assert display_percent(result.overall) == "—"
    assert api_percent(result.overall) is None
    assert award_for(framework, {}) == award(framework, "any")  # it has no rules to fail


def test_score_stored_on_a_not_applicable_answer_is_ignored_even_off_the_scale() -> None:
    framework = from_yaml(WORKED_EXAMPLE)

    with_odd_score = score(framework, worked(A_2_1=Answer(99, not_applicable=True)))

    assert with_odd_score == score(framework, worked(A_2_1=Answer(None, not_applicable=True)))


def test_score_off_the_scale_is_rejected_naming_the_element() -> None:
    with pytest.raises(ValueError, match=r"A\.2\.1: score 7 is not on the scale \(0, 1, 2, 3, 4\)"):
        score(from_yaml(WORKED_EXAMPLE), worked(A_2_1=Answer(7)))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction("12.25"), "12.3"),
        (Fraction("0.05"), "0.1"),
        (Fraction("12.2499999"), "12.2"),
        (Fraction("99.95"), "100.0"),
        (Fraction(200, 3), "66.7"),
        (Fraction(0), "0.0"),
        (Fraction(100), "100.0"),
        (Fraction("-0.05"), "-0.1"),
        (None, "—"),
    ],
)
def test_display_percent_has_one_decimal_rounded_half_away_from_zero(
    value: Fraction | None, shown: str
) -> None:
    assert display_percent(value) == shown


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (Fraction(200, 3), 66.6667),
        (Fraction("12.34565"), 12.3457),  # a float round() would give 12.3456
        (Fraction("0.00005"), 0.0001),
        (Fraction(100), 100.0),
        (Fraction(1, 3), 0.3333),
    ],
)
def test_api_percent_has_four_decimals_rounded_half_away_from_zero(
    value: Fraction, number: float
) -> None:
    assert api_percent(value) == number


def test_first_award_in_list_order_whose_rules_hold_is_earned() -> None:
    framework = from_yaml(WORKED_EXAMPLE)

    assert award_for(framework, worked()) == award(framework, "high")
    assert award_for(framework, worked(B_1_1=Answer(0))) == award(framework, "any")


def test_framework_without_awards_never_earns_one() -> None:
    data = yaml.safe_load(WORKED_EXAMPLE) | {"awards": []}
    framework = msgspec.convert(data, Framework)

    assert award_for(framework, worked()) is None
    assert next_award(framework, worked(), None) is None


def test_next_award_climbs_the_ladder_from_none_to_the_top() -> None:
    framework = shipped(MAIN)
    full = answers(framework)
    excellence, accredited, commitment = framework.awards

    assert next_award(framework, full, None) == commitment
    assert next_award(framework, full, commitment) == accredited
    assert next_award(framework, full, accredited) == excellence
    assert next_award(framework, full, excellence) is None


# --- the shipped awards at and just below each threshold ------------------------------------


def test_shipped_award_rules_are_the_ones_these_tests_exercise() -> None:
    main, complaints = shipped(MAIN), shipped(COMPLAINTS)

    assert [(a.code, a.rules) for a in main.awards] == [
        (a.code, a.rules) for a in from_yaml(_MAIN_AWARDS).awards
    ]
    assert [(a.code, a.rules) for a in complaints.awards] == [
        (a.code, a.rules) for a in from_yaml(_COMPLAINTS_AWARDS).awards
    ]


_HEADER = """
format: 1
slug: x
version: "1"
title: X
scale: {levels: [{value: 0, label: a}, {value: 4, label: b}]}
themes: [{code: T, title: T, criteria: [{code: C, title: C, elements: [{code: E, statement: S}]}]}]
"""
_MAIN_AWARDS = (
    _HEADER
    + """
awards:
  - {code: excellence, label: E, rules: {min_overall_percent: 80, min_theme_percent: 70,
     min_element_score: 2, min_mandatory_score: 3}}
  - {code: accredited, label: A, rules: {min_overall_percent: 60, min_theme_percent: 50,
     min_mandatory_score: 2, max_elements_below: {score: 2, count: 4}}}
  - {code: commitment, label: C, rules: {min_overall_percent: 40, min_theme_percent: 25,
     min_mandatory_score: 1}}
"""
)
_COMPLAINTS_AWARDS = (
    _HEADER
    + """
awards:
  - {code: compliance-plus, label: P, rules: {min_overall_percent: 80, min_element_score: 2}}
  - {code: compliant, label: C, rules: {min_theme_percent: 50, min_element_score: 1,
     min_mandatory_score: 2, max_elements_below: {score: 2, count: 3}}}
"""
)

LEAD_OPTIONAL = optional_elements(shipped(MAIN), "LEAD")
SKILLS_OPTIONAL = optional_elements(shipped(MAIN), "SKILLS")

# (award, answers exactly at the threshold, answers one step below, the rule that then fails)
MAIN_PERCENT_CASES = {
    # LEAD (weight 20 of 100) at 100%, the rest at 75%: (20*100 + 80*75) / 100 = 80
    "excellence-overall": (
        "excellence",
        {"themes": {"LEAD": 4}, "default": 3},
        {"themes": {"LEAD": 4}, "default": 3, "scores": {LEAD_OPTIONAL[0]: 3}},
        "min_overall_percent",
    ),
    # SKILLS weighs 10 in all: eight at 75% and two of weight 1 at 50% make 700 / 10 = 70
    "excellence-theme": (
        "excellence",
        {"themes": {"SKILLS": 3}, "scores": dict.fromkeys(SKILLS_OPTIONAL[:2], 2)},
        {"themes": {"SKILLS": 3}, "scores": dict.fromkeys(SKILLS_OPTIONAL[:3], 2)},
        "min_theme_percent",
    ),
    # LEAD and MEASURE (40 of 100) at 75%, the rest at 50%: 50 + 40 * 25 / 100 = 60
    "accredited-overall": (
        "accredited",
        {"themes": {"LEAD": 3, "MEASURE": 3}, "default": 2},
        {"themes": {"LEAD": 3, "MEASURE": 3}, "default": 2, "scores": {LEAD_OPTIONAL[0]: 2}},
        "min_overall_percent",
    ),
    "accredited-theme": (
        "accredited",
        {"themes": {"SKILLS": 2}},
        {"themes": {"SKILLS": 2}, "scores": {SKILLS_OPTIONAL[0]: 1}},
        "min_theme_percent",
    ),
    # LEAD, CULTURE and MEASURE (60 of 100) at 50%, the rest at 25%: 25 + 60 * 25 / 100 = 40
    "commitment-overall": (
        "commitment",
        {"themes": {"LEAD": 2, "CULTURE": 2, "MEASURE": 2}, "default": 1},
        {
            "themes": {"LEAD": 2, "CULTURE": 2, "MEASURE": 2},
            "default": 1,
            "scores": {LEAD_OPTIONAL[0]: 1},
        },
        "min_overall_percent",
    ),
    "commitment-theme": (
        "commitment",
        {"themes": {"SKILLS": 1}},
        {"themes": {"SKILLS": 1}, "scores": {SKILLS_OPTIONAL[0]: 0}},
        "min_theme_percent",
    ),
}


@pytest.mark.parametrize("case", MAIN_PERCENT_CASES)
def test_main_standard_percent_rule_holds_at_its_threshold_and_fails_just_below(case: str) -> None:
    framework = shipped(MAIN)
    code, at, below, rule = MAIN_PERCENT_CASES[case]
    target = award(framework, code)
    threshold = getattr(target.rules, rule)

    at_result = score(framework, answers(framework, **at))
    below_result = score(framework, answers(framework, **below))

    if rule == "min_overall_percent":
        assert at_result.overall == threshold
        assert below_result.overall is not None and below_result.overall < threshold
    else:
        assert min(p for p in at_result.themes.values() if p is not None) == threshold
    assert unmet_rules(framework, answers(framework, **at), target) == []
    assert unmet_rules(framework, answers(framework, **below), target) == [rule]


def test_main_standard_overall_just_under_80_is_not_excellence_even_when_shown_as_79_6() -> None:
    framework = shipped(MAIN)
    given = answers(framework, themes={"LEAD": 4}, default=3, scores={LEAD_OPTIONAL[0]: 3})

    result = score(framework, given)

    assert display_percent(result.overall) == "79.6"
    assert award_for(framework, given, result) == award(framework, "accredited")


def test_complaints_overall_at_80_earns_compliance_plus_and_just_below_only_compliant() -> None:
    framework = shipped(COMPLAINTS)
    # ACCESS and GOVERN at 100%, HANDLE (weight 2) and LEARN at 2 of 3: (100+100+3*200/3)/5 = 80
    at = answers(framework, themes={"HANDLE": 2, "LEARN": 2})
    below = answers(framework, themes={"HANDLE": 2, "LEARN": 2}, scores={"ACCESS.1.2": 2})

    assert score(framework, at).overall == 80
    assert award_for(framework, at) == award(framework, "compliance-plus")
    assert unmet_rules(framework, below, award(framework, "compliance-plus")) == [
        "min_overall_percent"
    ]
    assert award_for(framework, below) == award(framework, "compliant")


def test_complaints_theme_at_50_is_compliant_and_a_theme_below_it_is_not() -> None:
    framework = shipped(COMPLAINTS)
    compliant = award(framework, "compliant")
    # ACCESS: mandatory 1.1 and 1.3 at Compliance, 1.2 and 1.4 Partial: 6 of 12 = 50%
    at = answers(
        framework, scores={"ACCESS.1.1": 2, "ACCESS.1.2": 1, "ACCESS.1.3": 2, "ACCESS.1.4": 1}
    )
    # GOVERN: mandatory 1.1 at Compliance, 1.2 and 1.3 Partial: 4 of 9 = 44.4%
    below = answers(framework, scores={"GOVERN.1.1": 2, "GOVERN.1.2": 1, "GOVERN.1.3": 1})

    assert score(framework, at).themes["ACCESS"] == 50
    assert award_for(framework, at) == compliant
    assert unmet_rules(framework, below, compliant) == ["min_theme_percent"]
    assert award_for(framework, below) is None


def _shipped_awards_with(rule: str) -> list[tuple[str, str]]:
    return [
        (name, a.code)
        for name in (MAIN, COMPLAINTS)
        for a in shipped(name).awards
        if getattr(a.rules, rule) is not None
    ]


def _step_below(framework_name: str, value: int) -> int:
    values = [level.value for level in shipped(framework_name).scale.levels]
    return values[values.index(value) - 1]


@pytest.mark.parametrize(("name", "code"), _shipped_awards_with("min_mandatory_score"))
def test_mandatory_element_at_the_minimum_qualifies_and_one_level_below_does_not(
    name: str, code: str
) -> None:
    framework = shipped(name)
    target = award(framework, code)
    needed = target.rules.min_mandatory_score
    assert needed is not None
    mandatory = next(e.code for e in framework.elements() if e.mandatory)

    at = answers(framework, scores={mandatory: needed})
    below = answers(framework, scores={mandatory: _step_below(name, needed)})

    assert unmet_rules(framework, at, target) == []
    assert unmet_rules(framework, below, target) == ["min_mandatory_score"]
    assert award_gaps(framework, below, target) == [mandatory]


@pytest.mark.parametrize(("name", "code"), _shipped_awards_with("min_element_score"))
def test_element_at_the_minimum_score_qualifies_and_one_level_below_does_not(
    name: str, code: str
) -> None:
    framework = shipped(name)
    target = award(framework, code)
    needed = target.rules.min_element_score
    assert needed is not None
    optional = next(e.code for e in framework.elements() if not e.mandatory)

    at = answers(framework, scores={optional: needed})
    below = answers(framework, scores={optional: _step_below(name, needed)})

    assert unmet_rules(framework, at, target) == []
    assert unmet_rules(framework, below, target) == ["min_element_score"]
    assert award_gaps(framework, below, target) == [optional]


@pytest.mark.parametrize(("name", "code"), _shipped_awards_with("max_elements_below"))
def test_elements_below_the_score_are_allowed_up_to_the_count_and_not_one_more(
    name: str, code: str
) -> None:
    framework = shipped(name)
    target = award(framework, code)
    limit = target.rules.max_elements_below
    assert limit is not None
    low = _step_below(name, limit.score)
    # one optional element from each theme in turn, so that no theme percent suffers much
    per_theme = [optional_elements(framework, t.code) for t in framework.themes]
    spread = [codes[i] for i in range(3) for codes in per_theme if i < len(codes)]

    at = answers(framework, scores=dict.fromkeys(spread[: limit.count], low))
    over = answers(framework, scores=dict.fromkeys(spread[: limit.count + 1], low))

    assert unmet_rules(framework, at, target) == []
    assert unmet_rules(framework, over, target) == ["max_elements_below"]
    assert award_gaps(framework, over, target) == sorted(
        spread[: limit.count + 1], key=[e.code for e in framework.elements()].index
    )


@pytest.mark.parametrize("name", [MAIN, COMPLAINTS])
def test_top_scores_everywhere_earn_the_highest_shipped_award(name: str) -> None:
    framework = shipped(name)

    assert award_for(framework, answers(framework)) == framework.awards[0]
    assert award_for(framework, answers(framework, default=framework.lowest)) is None


def test_mandatory_element_answered_not_applicable_blocks_every_award_that_names_it() -> None:
    framework = shipped(MAIN)
    given = answers(framework, not_applicable=("LEAD.1.1",))

    assert award_for(framework, given) is None
    assert award_gaps(framework, given, award(framework, "commitment")) == ["LEAD.1.1"]


# --- award gaps for the board report's action plan -------------------------------------------


def test_award_gaps_name_only_the_elements_dragging_a_failing_theme_down() -> None:
    framework = shipped(MAIN)
    low = SKILLS_OPTIONAL[:3]
    given = answers(framework, themes={"SKILLS": 3}, scores=dict.fromkeys(low, 2))

    assert award_gaps(framework, given, award(framework, "excellence")) == low
    assert award_gaps(framework, given, award(framework, "accredited")) == []


def test_award_gaps_for_a_failing_overall_name_elements_under_the_overall_threshold() -> None:
    framework = shipped(MAIN)
    given = answers(framework, themes={"LEAD": 4}, default=3, scores={LEAD_OPTIONAL[0]: 3})

    gaps = award_gaps(framework, given, award(framework, "excellence"))

    assert gaps == [e.code for e in framework.elements() if given[e.code].score == 3]


def test_award_gaps_are_empty_for_the_award_already_earned() -> None:
    framework = shipped(COMPLAINTS)
    given = answers(framework, themes={"HANDLE": 2, "LEARN": 2})

    assert award_gaps(framework, given, award(framework, "compliance-plus")) == []
