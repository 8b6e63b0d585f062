"""The kinds of email Charter sends (contract.md, Notifications): pure data, no I/O.

An event is a change that puts something in someone's hands; a reminder is found by the daily
pass. Each is written by a call in its own service (outbox.write, as assessment_submitted does)
or a pass in reminders.PASSES, with its template in templates/notifications/email/{event}.txt
and its page in PAGES.
"""

from __future__ import annotations

from enum import StrEnum


class Event(StrEnum):
    ASSESSMENT_SUBMITTED = "assessment_submitted"  # every lead assessor
    ASSESSOR_ASSIGNED = "assessor_assigned"  # that assessor
    ASSESSMENT_RETURNED = "assessment_returned"  # the department's leads and contributors
    ASSESSMENT_RESUBMITTED = "assessment_resubmitted"  # the assigned assessor
    DECISION_MADE = "decision_made"  # the department's leads
    APPEAL_LODGED = "appeal_lodged"  # every lead assessor (issue 25: appeals/service.py)
    APPEAL_DECIDED = "appeal_decided"  # the department's leads (issue 25)
    # Reminders: each once per occasion (a key), and a person may turn them off.
    CERTIFICATE_EXPIRING = "certificate_expiring"  # the organisation's leads, 60 days before
    REVIEW_DUE_60 = "review_due_60"  # the organisation's leads, by the certificate's review date
    REVIEW_DUE_14 = "review_due_14"  # (issue 25's surveillance reviews will say one took place)
    ACTION_OVERDUE = "action_overdue"  # the organisation's leads, the day after it was due


REMINDERS = frozenset(
    {
        Event.CERTIFICATE_EXPIRING,
        Event.REVIEW_DUE_60,
        Event.REVIEW_DUE_14,
        Event.ACTION_OVERDUE,
    }
)

LABELS = {
    Event.ASSESSMENT_SUBMITTED: "Assessment submitted",
    Event.ASSESSOR_ASSIGNED: "Assessor assigned",
    Event.ASSESSMENT_RETURNED: "Assessment returned",
    Event.ASSESSMENT_RESUBMITTED: "Assessment resubmitted",
    Event.DECISION_MADE: "Decision made",
    Event.APPEAL_LODGED: "Appeal lodged",
    Event.APPEAL_DECIDED: "Appeal decided",
    Event.CERTIFICATE_EXPIRING: "Certificate expiring",
    Event.REVIEW_DUE_60: "Review due in 60 days",
    Event.REVIEW_DUE_14: "Review due in 14 days",
    Event.ACTION_OVERDUE: "Action overdue",
}


def is_reminder(event: str) -> bool:
    return event in REMINDERS


def label(event: str) -> str:
    """How a person reads the kind; an unknown one (from a newer release) as it is stored."""
    try:
        return LABELS[Event(event)]
    except ValueError:
        return event


# The page each kind links to, for the person it is sent to (its context fills the braces).
PAGES = {
    Event.ASSESSMENT_SUBMITTED: "/moderation/{assessment_id}",
    Event.ASSESSOR_ASSIGNED: "/moderation/{assessment_id}",
    Event.ASSESSMENT_RETURNED: "/assessments/{assessment_id}",
    Event.ASSESSMENT_RESUBMITTED: "/moderation/{assessment_id}",
    Event.DECISION_MADE: "/assessments/{assessment_id}",
    Event.APPEAL_LODGED: "/appeals/{appeal_id}",
    Event.APPEAL_DECIDED: "/appeals/{appeal_id}",
    Event.CERTIFICATE_EXPIRING: "/verify/{certificate_id}",
    Event.REVIEW_DUE_60: "/verify/{certificate_id}",
    Event.REVIEW_DUE_14: "/verify/{certificate_id}",
    Event.ACTION_OVERDUE: "/actions/{action_id}",
}


def page(event: str, context: dict[str, str]) -> str:
    """The path of the object's page for its reader ("/" for a kind without one)."""
    try:
        return PAGES[Event(event)].format(**context)
    except (ValueError, KeyError):
        return "/"
