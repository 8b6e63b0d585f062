"""The self-assessment sheet's cells as answers: score labels to levels, checked as the web form is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.assessments.answers import validate_answer
from app.frameworks.model import Framework
from app.workbooks.layout import NOT_APPLICABLE, Kind, cell_text
from app.workbooks.reading import RowRead

SCORE, NARRATIVE = 0, 1  # the self-assessment sheet's answer cells, in order


@dataclass(frozen=True)
class SheetAnswer:
    row: RowRead
    score: int | None
    not_applicable: bool
    narrative: str


def labels(framework: Framework) -> list[str]:
    """The score drop-down: each level's label, and "Not applicable" where the framework allows."""
    names = [level_label(framework, lv.value) for lv in framework.scale.levels]
    return names + ([NOT_APPLICABLE] if framework.scale.allow_not_applicable else [])


def level_label(framework: Framework, value: int | None) -> str:
    level = framework.level(value) if value is not None else None
    return f"{level.value} - {level.label}" if level else ""


def score_cell(framework: Framework, score: int | None, not_applicable: bool) -> str:
    return NOT_APPLICABLE if not_applicable else level_label(framework, score)


def parse_score(framework: Framework, value: Any) -> tuple[int | None, bool] | str:
    """(score, not applicable) from a score cell, or what is wrong with it."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None, False
    if text == NOT_APPLICABLE:
        if not framework.scale.allow_not_applicable:
            return f"{framework.title} does not allow an element to be marked not applicable"
        return None, True
    for level in framework.scale.levels:
        if text in (level_label(framework, level.value), str(level.value), level.label):
            return level.value, False
    return f"'{text[:60]}' is not on the scale; choose one of: {', '.join(labels(framework))}"


def read_answers(
    framework: Framework, rows: Sequence[RowRead]
) -> tuple[list[SheetAnswer], dict[str, str]]:
    """Each row as an answer, and every problem by Sheet!A1 (the web form's rules)."""
    problems: dict[str, str] = {}
    found: list[SheetAnswer] = []
    for row in rows:
        score_at, narrative_at = row.cell(SCORE, Kind.SELF), row.cell(NARRATIVE, Kind.SELF)
        parsed = parse_score(framework, row.answers[SCORE])
        narrative = "" if row.answers[NARRATIVE] is None else cell_text(str(row.answers[NARRATIVE]))
        if isinstance(parsed, str):
            problems[score_at] = parsed
            continue
        element = framework.element(row.code)
        assert element is not None  # read_rows checked each row's code
        for field, message in validate_answer(
            framework, element, parsed[0], parsed[1], narrative
        ).items():
            problems[narrative_at if field == "narrative" else score_at] = message
        found.append(SheetAnswer(row, parsed[0], parsed[1], narrative))
    return found, problems
