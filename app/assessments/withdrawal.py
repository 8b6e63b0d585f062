"""Withdrawing an assessment (contract.md § Withdrawing): the department ends a draft or returned one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from app import db
from app.accounts import policy
from app.accounts.actor import Actor
from app.accounts.roles import DEPARTMENT_ROLES
from app.assessments import lifecycle, service
from app.assessments.lifecycle import Action, Status
from app.assessments.tables import Assessment, StatusChange
from app.assessments.views import AssessmentView, views_of
from app.audit.service import record
from app.errors import Forbidden, Invalid

REASON_LIMIT = 5_000


@dataclass(frozen=True)
class Withdrawal:
    """Who withdrew an assessment, when and why (from its status history)."""

    at: dt.datetime
    by: str
    reason: str


def reason_problems(reason: str) -> dict[str, str]:
    if not reason.strip():
        return {"reason": "Enter the reason for withdrawing the assessment"}
    if len(reason) > REASON_LIMIT:
        return {"reason": f"The reason must be {REASON_LIMIT:,} characters or fewer"}
    return {}


def can_withdraw(actor: Actor, view: AssessmentView) -> bool:
    """Offered on the page: the organisation's lead, while the assessment may be withdrawn."""
    return policy.can_submit_assessment(actor, view.row) and view.status in (
        lifecycle.TRANSITIONS[Action.WITHDRAW].sources
    )


async def withdraw(actor: Actor, assessment_id: UUID | str, reason: str) -> AssessmentView:
    """draft|returned -> withdrawn, with the reason; answers and evidence links are kept."""
    reason = reason.strip()
    async with db.transaction():
        row = await service._visible_row(actor, assessment_id, lock=True)
        if not policy.can_submit_assessment(actor, row):
            if actor.role in DEPARTMENT_ROLES:
                raise Forbidden("Only a department lead can withdraw an assessment")
            raise Forbidden("Only the organisation's department lead can withdraw its assessment")
        target = lifecycle.check(row["status"], Action.WITHDRAW)
        problems = reason_problems(reason)
        if problems:
            raise Invalid(problems)
        now = dt.datetime.now(dt.UTC)
        await Assessment.update({Assessment.status: target}).where(Assessment.id == row["id"])
        await StatusChange(
            assessment=row["id"],
            from_status=row["status"],
            to_status=target,
            action=Action.WITHDRAW,
            by=actor.id,
            at=now,
            note=reason,
        ).save()
        await record(
            actor,
            "assessment.withdraw",
            "assessment",
            row["id"],
            before={"status": row["status"]},
            after={"status": target, "reason": reason},
        )
        fresh = await service._row(row["id"])
    (view,) = await views_of([fresh], with_certificates=True)
    return view


async def withdrawal_of(view: AssessmentView) -> Withdrawal | None:
    """How a withdrawn assessment was withdrawn; None for any other."""
    if view.status != Status.WITHDRAWN:
        return None
    row = (
        await StatusChange.select(
            StatusChange.at, StatusChange.note, StatusChange.by.name.as_alias("by_name")
        )
        .where((StatusChange.assessment == view.id) & (StatusChange.action == Action.WITHDRAW))
        .order_by(StatusChange.at, ascending=False)
        .first()
    )
    if row is None:
        return None
    return Withdrawal(at=row["at"], by=row["by_name"] or "Someone", reason=row["note"])
