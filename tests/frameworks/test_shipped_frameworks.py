"""The standards Charter ships: what each must contain, and that their award ladders make sense."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assessments.scoring import Answer, qualifies
from app.frameworks.model import Framework
from tests.assessments.scoring_support import COMPLAINTS, FRAMEWORKS_DIR, MAIN, shipped

SHIPPED = sorted(p.name for p in FRAMEWORKS_DIR.glob("*.yaml"))
TOP_LEVEL_ORDER = [
    "format",
    "slug",
    "version",
    "title",
    "publisher",
    "description",
    "effective_from",
    "scale",
    "awards",
    "certificate",
    "themes",
]


def codes(framework: Framework) -> list[str]:
    return [code for t in framework.themes for code in (t.code, *(c.code for c in t.criteria))] + [
        e.code for e in framework.elements()
    ]


def test_both_standards_are_shipped() -> None:
    assert {MAIN, COMPLAINTS} <= set(SHIPPED)


def test_main_standard_has_40_to_60_elements_across_the_five_themes() -> None:
    framework = shipped(MAIN)

    assert 40 <= len(framework.elements()) <= 60
    assert [(t.code, t.title) for t in framework.themes] == [
        ("LEAD", "Leadership"),
        ("INSIGHT", "Customer Insight"),
        ("CULTURE", "Culture"),
        ("SKILLS", "Skills"),
        ("MEASURE", "Measurement"),
    ]
    assert all(any(e.mandatory for c in t.criteria for e in c.elements) for t in framework.themes)


def test_main_standard_uses_the_five_level_maturity_scale_and_allows_not_applicable() -> None:
    framework = shipped(MAIN)

    assert [(lv.value, lv.label) for lv in framework.scale.levels] == [
        (0, "Not in place"),
        (1, "Developing"),
        (2, "Established"),
        (3, "Embedded"),
        (4, "Leading"),
    ]
    assert all(lv.description for lv in framework.scale.levels)
    assert framework.scale.allow_not_applicable
    assert (framework.certificate.validity_months, framework.certificate.review_months) == (36, 12)


def test_complaints_standard_is_a_compliance_scale_with_12_to_20_elements() -> None:
    framework = shipped(COMPLAINTS)

    assert [lv.label for lv in framework.scale.levels] == [
        "Non-compliance",
        "Partial compliance",
        "Compliance",
        "Compliance Plus",
    ]
    assert 12 <= len(framework.elements()) <= 20
    assert 3 <= len(framework.themes) <= 4


@pytest.mark.parametrize("name", SHIPPED)
def test_codes_are_unique_and_nest_under_their_parent(name: str) -> None:
    framework = shipped(name)

    assert len(codes(framework)) == len(set(codes(framework)))
    for theme in framework.themes:
        for criterion in theme.criteria:
            assert criterion.code.startswith(theme.code + ".")
            assert all(e.code.startswith(criterion.code + ".") for e in criterion.elements)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_element_tells_assessors_what_to_look_for(name: str) -> None:
    for element in shipped(name).elements():
        assert element.guidance, element.code
        assert element.evidence_examples, element.code


@pytest.mark.parametrize("name", SHIPPED)
def test_file_quotes_its_version_and_follows_the_documented_key_order(name: str) -> None:
    text = (FRAMEWORKS_DIR / name).read_text(encoding="utf-8")
    keys = list(yaml.safe_load(text))

    assert re.search(r'^version: "[^"]+"$', text, re.MULTILINE)
    assert keys == [k for k in TOP_LEVEL_ORDER if k in keys]


@pytest.mark.parametrize("name", SHIPPED)
def test_award_rules_use_values_on_the_scale(name: str) -> None:
    framework = shipped(name)
    values = {lv.value for lv in framework.scale.levels}

    assert 2 <= len(framework.awards) <= 3
    for award in framework.awards:
        rules = award.rules
        below = rules.max_elements_below
        scores = [rules.min_element_score, rules.min_mandatory_score, below and below.score]
        assert {s for s in scores if s is not None} <= values, award.code


def complete_answers(name: str) -> st.SearchStrategy[dict[str, Answer]]:
    """Every element scored near one level, so that every award is reached now and then."""
    framework = shipped(name)
    values = [lv.value for lv in framework.scale.levels]

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Answer]:
        base = draw(st.integers(0, len(values) - 1))
        near = st.sampled_from(values[max(base - 1, 0) : base + 2])
        weighted = st.one_of(st.just(values[base]), near)
        return {e.code: Answer(draw(weighted)) for e in framework.elements()}

    return build()


@pytest.mark.parametrize("name", SHIPPED)
def test_earning_a_higher_award_always_satisfies_every_lower_one(name: str) -> None:
    framework = shipped(name)

    @settings(max_examples=100, deadline=None)
    @given(complete_answers(name))
    def check(answers: dict[str, Answer]) -> None:
        held = [qualifies(framework, answers, a) for a in framework.awards]
        for higher, lower in pairwise(held):
            assert lower or not higher

    check()
