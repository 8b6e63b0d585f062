"""Element states and the reasons an element cannot be submitted yet."""

from __future__ import annotations

from app.assessments import progress
from app.assessments.progress import ElementState, Saved
from tests.assessments.scoring_support import from_yaml
from tests.assessments.support import SMALL_FRAMEWORK

FRAMEWORK = from_yaml(SMALL_FRAMEWORK)
NO_NA = from_yaml(
    SMALL_FRAMEWORK.replace("allow_not_applicable: true", "allow_not_applicable: false")
)


def state(code: str, saved: Saved | None) -> ElementState:
    element = FRAMEWORK.element(code)
    assert element is not None
    return progress.state_of(FRAMEWORK, element, saved)


def test_nothing_saved_is_not_started() -> None:
    assert state("INS.1.1", None) == ElementState.NOT_STARTED
    assert state("INS.1.1", Saved(None, False, "  ", 0)) == ElementState.NOT_STARTED


def test_a_narrative_alone_is_in_progress() -> None:
    assert state("INS.1.1", Saved(None, False, "Notes", 0)) == ElementState.IN_PROGRESS


def test_a_score_completes_an_element_without_required_evidence() -> None:
    assert state("INS.1.1", Saved(0, False, "", 0)) == ElementState.COMPLETED


def test_required_evidence_keeps_an_element_in_progress_until_linked() -> None:
    assert state("LEAD.1.1", Saved(2, False, "", 0)) == ElementState.IN_PROGRESS
    assert state("LEAD.1.1", Saved(2, False, "", 1)) == ElementState.COMPLETED


def test_incomplete_lists_every_element_and_why_in_file_order() -> None:
    answers = {
        "LEAD.1.1": Saved(None, True, "", 0),
        "INS.1.1": Saved(1, False, "", 0),
    }
    assert progress.incomplete(FRAMEWORK, answers) == {
        "LEAD.1.1": progress.NA_WITHOUT_JUSTIFICATION,
        "LEAD.1.2": progress.UNANSWERED_OR_NA,
    }
    assert progress.completed_count(FRAMEWORK, answers) == 1


def test_not_applicable_where_the_framework_forbids_it_is_incomplete() -> None:
    element = NO_NA.element("INS.1.1")
    assert element is not None
    assert (
        progress.problem_of(NO_NA, element, Saved(None, True, "Why", 0)) == progress.NA_NOT_ALLOWED
    )
    assert progress.problem_of(NO_NA, element, None) == progress.UNANSWERED
