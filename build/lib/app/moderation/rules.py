"""The moderation rules, pure: what a moderated answer needs, and when moderation is complete."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.assessments.scoring import Answer
from app.frameworks.model import Framework

TEXT_LIMIT = 10_000


@dataclass(frozen=True)
class ModeratedAnswer:
    """What an assessor sends for one element."""

    score: int | None
    not_applicable: bool = False
    rationale: str = ""
    strength: str = ""
    improvement: str = ""

    def answer(self) -> Answer:
        return Answer(None if self.not_applicable else self.score, self.not_applicable)


def differs(department: Answer | None, moderated: Answer) -> bool:
    """Whether the moderated answer is not the department's own (so it needs a rationale)."""
    if department is None:
        return True
    if department.not_applicable or moderated.not_applicable:
        return department.not_applicable != moderated.not_applicable
    return department.score != moderated.score


def describe_answer(framework: Framework, answer: Answer | None) -> str:
    """'3 (Embedded)', 'not applicable' or 'no answer'."""
    if answer is None or (answer.score is None and not answer.not_applicable):
        return "no answer"
    if answer.not_applicable:
        return "not applicable"
    assert answer.score is not None
    level = framework.level(answer.score)
    return f"{answer.score} ({level.label})" if level else str(answer.score)


def scale_values(framework: Framework) -> str:
    values = [str(level.value) for level in framework.scale.levels]
    return ", ".join(values[:-1]) + " or " + values[-1]


def answer_problems(
    framework: Framework, code: str, moderated: ModeratedAnswer, department: Answer | None
) -> dict[str, str]:
    """{field: message} for one element's moderated answer; empty when it may be saved."""
    problems: dict[str, str] = {}
    if moderated.not_applicable:
        if not framework.scale.allow_not_applicable:
            problems["not_applicable"] = (
                f"{code}: this framework does not allow 'not applicable'; choose a score "
                f"({scale_values(framework)})"
            )
    elif moderated.score is None:
        problems["score"] = f"{code}: choose a moderated score ({scale_values(framework)})"
    elif framework.level(moderated.score) is None:
        problems["score"] = (
            f"{code}: score {moderated.score} is not on the scale; choose {scale_values(framework)}"
        )
    for name in ("rationale", "strength", "improvement"):
        if len(getattr(moderated, name)) > TEXT_LIMIT:
            problems[name] = f"{code}: the {name} must be {TEXT_LIMIT:,} characters or fewer"
    if not problems and differs(department, moderated.answer()) and not moderated.rationale.strip():
        problems["rationale"] = rationale_needed(framework, code, department, moderated.answer())
    return problems


def rationale_needed(
    framework: Framework, code: str, department: Answer | None, moderated: Answer
) -> str:
    return (
        f"{code}: give a rationale: the moderated answer, {describe_answer(framework, moderated)}, "
        f"differs from the department's, {describe_answer(framework, department)}"
    )


@dataclass(frozen=True)
class Stored:
    """A saved moderated answer, as completion sees it."""

    answer: Answer
    rationale: str


def completion_problems(
    framework: Framework, department: Mapping[str, Answer], moderated: Mapping[str, Stored]
) -> dict[str, str]:
    """{element code: message} for every element not moderated, or differing without a rationale."""
    problems: dict[str, str] = {}
    for element in framework.elements():
        saved = moderated.get(element.code)
        if saved is None or (saved.answer.score is None and not saved.answer.not_applicable):
            problems[element.code] = f"{element.code}: not moderated yet"
        elif differs(department.get(element.code), saved.answer) and not saved.rationale.strip():
            problems[element.code] = rationale_needed(
                framework, element.code, department.get(element.code), saved.answer
            )
    return problems
