"""Exact scoring of an assessment against its framework: percents, award rules and award gaps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from app.frameworks.model import Award, Element, Framework

HUNDRED = Fraction(100)


@dataclass(frozen=True)
class Answer:
    score: int | None
    not_applicable: bool = False


@dataclass(frozen=True)
class Result:
    overall: Fraction | None
    themes: dict[str, Fraction | None]
    criteria: dict[str, Fraction | None]
    elements: dict[str, Fraction | None]


def exact(value: float) -> Fraction:
    """The decimal a person wrote in the file (2.5, 0.1), not the nearest binary float."""
    return Fraction(str(value))


def scored_value(framework: Framework, code: str, answer: Answer | None) -> int | None:
    """The score that counts for `code`, or None when the element is N/A or unanswered."""
    if answer is None or answer.not_applicable or answer.score is None:
        return None
    if framework.level(answer.score) is None:
        values = ", ".join(str(level.value) for level in framework.scale.levels)
        raise ValueError(f"{code}: score {answer.score} is not on the scale ({values})")
    return answer.score


def _weighted_mean(pairs: Iterable[tuple[Fraction, Fraction | None]]) -> Fraction | None:
    total = Fraction(0)
    weights = Fraction(0)
    for weight, value in pairs:
        if value is not None:
            total += weight * value
            weights += weight
    return total / weights if weights else None


def score(framework: Framework, answers: Mapping[str, Answer]) -> Result:
    """Percents per element, criterion and theme, and overall (framework-format.md § Scoring).

    Missing and unanswered elements are left out like N/A; callers check completeness before awards.
    """
    lo, span = framework.lowest, framework.highest - framework.lowest
    elements: dict[str, Fraction | None] = {}
    for element in framework.elements():
        value = scored_value(framework, element.code, answers.get(element.code))
        elements[element.code] = None if value is None else HUNDRED * (value - lo) / span

    def mean_of(members: list[Element]) -> Fraction | None:
        return _weighted_mean((exact(e.weight), elements[e.code]) for e in members)

    criteria: dict[str, Fraction | None] = {}
    themes: dict[str, Fraction | None] = {}
    for theme in framework.themes:
        for criterion in theme.criteria:
            criteria[criterion.code] = mean_of(criterion.elements)
        themes[theme.code] = mean_of([e for c in theme.criteria for e in c.elements])
    overall = _weighted_mean((exact(t.weight), themes[t.code]) for t in framework.themes)
    return Result(overall=overall, themes=themes, criteria=criteria, elements=elements)


def unmet_rules(
    framework: Framework,
    answers: Mapping[str, Answer],
    award: Award,
    result: Result | None = None,
) -> list[str]:
    """Names of the award's rules that do not hold, in the order framework-format.md lists them."""
    result = result if result is not None else score(framework, answers)
    rules = award.rules
    scores = {
        e.code: scored_value(framework, e.code, answers.get(e.code)) for e in framework.elements()
    }
    scored = [s for s in scores.values() if s is not None]
    unmet: list[str] = []
    if rules.min_overall_percent is not None and (
        result.overall is None or result.overall < exact(rules.min_overall_percent)
    ):
        unmet.append("min_overall_percent")
    if rules.min_theme_percent is not None and any(
        p is not None and p < exact(rules.min_theme_percent) for p in result.themes.values()
    ):
        unmet.append("min_theme_percent")
    if rules.min_element_score is not None and any(s < rules.min_element_score for s in scored):
        unmet.append("min_element_score")
    if rules.min_mandatory_score is not None and any(
        (s := scores[e.code]) is None or s < rules.min_mandatory_score
        for e in framework.elements()
        if e.mandatory
    ):
        unmet.append("min_mandatory_score")
    below = rules.max_elements_below
    if below is not None and sum(s < below.score for s in scored) > below.count:
        unmet.append("max_elements_below")
    return unmet


def qualifies(
    framework: Framework,
    answers: Mapping[str, Answer],
    award: Award,
    result: Result | None = None,
) -> bool:
    return not unmet_rules(framework, answers, award, result)


def award_for(
    framework: Framework,
    answers: Mapping[str, Answer],
    result: Result | None = None,
) -> Award | None:
    """The first award in list order all of whose rules hold; None means not accredited."""
    result = result if result is not None else score(framework, answers)
    return next((a for a in framework.awards if qualifies(framework, answers, a, result)), None)


def next_award(
    framework: Framework,
    answers: Mapping[str, Answer],
    current: Award | None,
) -> Award | None:
    """The award one step above `current` (awards are listed highest first), or the lowest if none.

    `answers` is accepted for symmetry with the other functions; the ladder is fixed by the file.
    """
    if not framework.awards:
        return None
    if current is None:
        return framework.awards[-1]
    codes = [a.code for a in framework.awards]
    index = codes.index(current.code)
    return framework.awards[index - 1] if index > 0 else None


def award_gaps(framework: Framework, answers: Mapping[str, Answer], award: Award) -> list[str]:
    """Element codes, in file order, that keep the assessment from `award`.

    An element is a gap when it is a mandatory element scored below `min_mandatory_score` (or not
    scored at all), a scored element below `min_element_score`, or, when a percent rule fails,
    an element whose own percent is under that threshold in the failing theme (or anywhere, for
    `min_overall_percent`). Elements under `max_elements_below` count only when there are too many.
    The list is empty exactly when the award's rules hold, provided anything is scored.
    """
    result = score(framework, answers)
    rules = award.rules
    unmet = set(unmet_rules(framework, answers, award, result))
    overall_bar = _bar(rules.min_overall_percent, "min_overall_percent" in unmet)
    theme_bar = _bar(rules.min_theme_percent, "min_theme_percent" in unmet)
    below = rules.max_elements_below if "max_elements_below" in unmet else None
    gaps: list[str] = []
    for theme in framework.themes:
        theme_percent = result.themes[theme.code]
        if theme_bar is None or theme_percent is None or theme_percent >= theme_bar:
            theme_bar_here = None
        else:
            theme_bar_here = theme_bar
        for element in (e for c in theme.criteria for e in c.elements):
            value = scored_value(framework, element.code, answers.get(element.code))
            percent = result.elements[element.code]
            needed = rules.min_mandatory_score if element.mandatory else None
            if value is None or percent is None:
                is_gap = needed is not None
            else:
                is_gap = (
                    (needed is not None and value < needed)
                    or (rules.min_element_score is not None and value < rules.min_element_score)
                    or (overall_bar is not None and percent < overall_bar)
                    or (theme_bar_here is not None and percent < theme_bar_here)
                    or (below is not None and value < below.score)
                )
            if is_gap:
                gaps.append(element.code)
    return gaps


def _bar(threshold: float | None, failing: bool) -> Fraction | None:
    """The exact threshold of a percent rule, only when that rule fails."""
    return exact(threshold) if threshold is not None and failing else None


def _round_half_away(value: Fraction, places: int) -> int:
    """`value` * 10**places as an integer, halves rounded away from zero."""
    scaled = abs(value) * 10**places
    magnitude = int(scaled + Fraction(1, 2))  # int() floors a non-negative Fraction
    return -magnitude if value < 0 else magnitude


def display_percent(value: Fraction | None) -> str:
    """One decimal place, half away from zero ("66.7"); an em dash when there is nothing scored."""
    if value is None:
        return "—"
    tenths = _round_half_away(value, 1)
    sign = "-" if tenths < 0 else ""
    return f"{sign}{abs(tenths) // 10}.{abs(tenths) % 10}"


def api_percent(value: Fraction | None) -> float | None:
    """Rounded to 4 decimal places, half away from zero, for JSON answers."""
    if value is None:
        return None
    return float(Fraction(_round_half_away(value, 4), 10**4))
