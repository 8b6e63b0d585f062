"""The assessment state machine as contract.md draws it: every transition, and every refusal."""

from __future__ import annotations

import pytest

from app.assessments import lifecycle
from app.assessments.lifecycle import Action, Status
from app.errors import Conflict

ALLOWED = {
    (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
    (Status.RETURNED, Action.SUBMIT): Status.IN_REVIEW,  # resubmission goes back to the assessor
    (Status.SUBMITTED, Action.ASSIGN): Status.IN_REVIEW,
    (Status.IN_REVIEW, Action.ASSIGN): Status.IN_REVIEW,
    (Status.IN_REVIEW, Action.RETURN): Status.RETURNED,
    (Status.IN_REVIEW, Action.COMPLETE): Status.MODERATED,
    (Status.MODERATED, Action.DECIDE_CONFIRM): Status.CONCLUDED,
    (Status.MODERATED, Action.DECIDE_REFER_BACK): Status.IN_REVIEW,
    (Status.DRAFT, Action.WITHDRAW): Status.WITHDRAWN,
    (Status.RETURNED, Action.WITHDRAW): Status.WITHDRAWN,
}


@pytest.mark.parametrize(("status", "action"), list(ALLOWED))
def test_each_contract_transition_leads_where_the_contract_says(
    status: Status, action: Action
) -> None:
    assert lifecycle.check(status, action) == ALLOWED[(status, action)]


@pytest.mark.parametrize(
    ("status", "action"),
    [(s, a) for s in Status for a in Action if (s, a) not in ALLOWED],
)
def test_every_other_transition_is_a_conflict_naming_state_and_allowed(
    status: Status, action: Action
) -> None:
    with pytest.raises(Conflict) as caught:
        lifecycle.check(status, action)
    allowed = [a for (s, a) in ALLOWED if s == status]
    assert f"It is {status}" in caught.value.message
    assert caught.value.extra == {"state": status, "allowed": [a.value for a in allowed]}
    for a in allowed:
        assert a.value in caught.value.message


def test_concluded_says_nothing_more_is_allowed() -> None:
    with pytest.raises(Conflict, match="no action is allowed from concluded"):
        lifecycle.check("concluded", "submit")


def test_roles_of_each_transition() -> None:
    assert lifecycle.role_for("submit") == "dept_lead"
    assert lifecycle.role_for("assign") == "lead_assessor"
    assert lifecycle.role_for("decide_confirm") == "lead_assessor"
    assert lifecycle.TRANSITIONS[Action.COMPLETE].assigned_only
    assert lifecycle.TRANSITIONS[Action.RETURN].assigned_only


@pytest.mark.parametrize("status", list(Status))
def test_answers_change_only_in_draft_and_returned(status: Status) -> None:
    if status in (Status.DRAFT, Status.RETURNED):
        lifecycle.check_editable(status)
        assert lifecycle.is_editable(status)
    else:
        with pytest.raises(Conflict, match=f"It is {status}"):
            lifecycle.check_editable(status)


def test_unknown_names_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="unknown lifecycle action"):
        lifecycle.check("draft", "publish")
    with pytest.raises(ValueError, match="unknown assessment status"):
        lifecycle.check("archived", "submit")
