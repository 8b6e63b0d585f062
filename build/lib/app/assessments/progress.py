"""How complete a department's answers are: each element's state, and why an element is not done.

Pure functions over the framework and the saved answers; submission and the task list share them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.frameworks.model import Element, Framework


class ElementState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


STATE_LABELS = {
    ElementState.NOT_STARTED: "Not started",
    ElementState.IN_PROGRESS: "In progress",
    ElementState.COMPLETED: "Completed",
}

UNANSWERED = "Not answered: choose a level on the scale"
UNANSWERED_OR_NA = "Not answered: choose a level on the scale, or not applicable"
NA_WITHOUT_JUSTIFICATION = "Marked not applicable without a justification"
NA_NOT_ALLOWED = "Marked not applicable, which this framework does not allow"
NO_EVIDENCE = "Needs at least one evidence item linked to it"


@dataclass(frozen=True)
class Saved:
    """What completeness needs to know of one saved answer."""

    score: int | None
    not_applicable: bool
    narrative: str
    evidence_count: int


def problem_of(framework: Framework, element: Element, saved: Saved | None) -> str | None:
    """Why `element` cannot be submitted as it stands, or None when it is complete (contract.md)."""
    allow_na = framework.scale.allow_not_applicable
    if saved is None or (saved.score is None and not saved.not_applicable):
        return UNANSWERED_OR_NA if allow_na else UNANSWERED
    if saved.not_applicable:
        if not allow_na:
            return NA_NOT_ALLOWED
        if not saved.narrative.strip():
            return NA_WITHOUT_JUSTIFICATION
    if element.evidence_required and saved.evidence_count == 0:
        return NO_EVIDENCE
    return None


def incomplete(framework: Framework, answers: Mapping[str, Saved]) -> dict[str, str]:
    """{element code: why} for every element not yet complete, in file order."""
    problems: dict[str, str] = {}
    for element in framework.elements():
        problem = problem_of(framework, element, answers.get(element.code))
        if problem is not None:
            problems[element.code] = problem
    return problems


def state_of(framework: Framework, element: Element, saved: Saved | None) -> ElementState:
    if problem_of(framework, element, saved) is None:
        return ElementState.COMPLETED
    if saved is None or (
        saved.score is None
        and not saved.not_applicable
        and not saved.narrative.strip()
        and saved.evidence_count == 0
    ):
        return ElementState.NOT_STARTED
    return ElementState.IN_PROGRESS


def completed_count(framework: Framework, answers: Mapping[str, Saved]) -> int:
    return sum(problem_of(framework, e, answers.get(e.code)) is None for e in framework.elements())
