"""The assessment state machine (contract.md): which transition, by which role, from which state.

Pure data and functions, no I/O: the services for submission and moderation ask here first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.errors import Conflict


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    MODERATED = "moderated"
    CONCLUDED = "concluded"
    WITHDRAWN = "withdrawn"  # ended by the department before it was decided


class Action(StrEnum):
    SUBMIT = "submit"
    ASSIGN = "assign"
    RETURN = "return"
    COMPLETE = "complete"
    DECIDE_CONFIRM = "decide_confirm"
    DECIDE_REFER_BACK = "decide_refer_back"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status
    role: str  # the one role that may take it (accounts.roles.Role value)
    assigned_only: bool = False  # only an assessor assigned to the assessment
    verb: str = ""  # how a person reads it: "be submitted"
    # Sources whose target differs: a returned assessment goes back to its assessor on resubmission.
    target_from: tuple[tuple[Status, Status], ...] = ()


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(
            Action.SUBMIT,
            frozenset({Status.DRAFT, Status.RETURNED}),
            Status.SUBMITTED,
            "dept_lead",
            verb="be submitted",
            target_from=((Status.RETURNED, Status.IN_REVIEW),),
        ),
        Transition(
            Action.ASSIGN,
            frozenset({Status.SUBMITTED, Status.IN_REVIEW}),
            Status.IN_REVIEW,
            "lead_assessor",
            verb="be assigned to an assessor",
        ),
        Transition(
            Action.RETURN,
            frozenset({Status.IN_REVIEW}),
            Status.RETURNED,
            "assessor",
            assigned_only=True,
            verb="be returned to the department",
        ),
        Transition(
            Action.COMPLETE,
            frozenset({Status.IN_REVIEW}),
            Status.MODERATED,
            "assessor",
            assigned_only=True,
            verb="have its moderation completed",
        ),
        Transition(
            Action.DECIDE_CONFIRM,
            frozenset({Status.MODERATED}),
            Status.CONCLUDED,
            "lead_assessor",
            verb="be confirmed",
        ),
        Transition(
            Action.DECIDE_REFER_BACK,
            frozenset({Status.MODERATED}),
            Status.IN_REVIEW,
            "lead_assessor",
            verb="be referred back to its assessor",
        ),
        Transition(
            Action.WITHDRAW,
            frozenset({Status.DRAFT, Status.RETURNED}),
            Status.WITHDRAWN,
            "dept_lead",
            verb="be withdrawn",
        ),
    )
}

# Ended: no longer open, so another assessment of the framework may be started.
ENDED: frozenset[Status] = frozenset({Status.CONCLUDED, Status.WITHDRAWN})

# Responses and evidence links change only here (contract.md).
EDITABLE: frozenset[Status] = frozenset({Status.DRAFT, Status.RETURNED})

LABELS: dict[Status, str] = {
    Status.DRAFT: "Draft",
    Status.SUBMITTED: "Submitted",
    Status.IN_REVIEW: "In review",
    Status.RETURNED: "Returned",
    Status.MODERATED: "Moderated",
    Status.CONCLUDED: "Concluded",
    Status.WITHDRAWN: "Withdrawn",
}


def allowed_from(status: str) -> list[Action]:
    """The actions that may be taken from `status`, in lifecycle order."""
    return [t.action for t in TRANSITIONS.values() if status in t.sources]


def describe(status: str) -> str:
    """'It is in_review; from in_review the only actions allowed are: assign, return, complete.'"""
    allowed = allowed_from(status)
    if not allowed:
        return f"It is {status}; no action is allowed from {status}."
    return f"It is {status}; from {status} the only actions allowed are: {', '.join(allowed)}."


def check(status: str, action: str) -> Status:
    """The status `action` leads to, or Conflict naming the state and what it allows."""
    if status not in set(Status):
        raise ValueError(f"unknown assessment status {status!r}")
    transition = TRANSITIONS.get(Action(action)) if action in set(Action) else None
    if transition is None:
        raise ValueError(f"unknown lifecycle action {action!r}")
    if status not in transition.sources:
        raise Conflict(
            f"The assessment cannot {transition.verb}. {describe(status)}",
            state=status,
            allowed=[a.value for a in allowed_from(status)],
        )
    return dict(transition.target_from).get(Status(status), transition.target)


def role_for(action: str) -> str:
    """The role that may take `action` (contract.md § Roles)."""
    return TRANSITIONS[Action(action)].role


def is_editable(status: str) -> bool:
    return status in EDITABLE


def check_editable(status: str) -> None:
    """Conflict unless responses and evidence links may change in `status`."""
    if not is_editable(status):
        raise Conflict(
            f"The assessment's answers cannot be changed. {describe(status)} "
            "Answers change only while it is draft or returned.",
            state=status,
            allowed=[a.value for a in allowed_from(status)],
        )


def label(status: str) -> str:
    """A person's word for the status: 'In review'."""
    return LABELS.get(Status(status), status) if status in set(Status) else status
