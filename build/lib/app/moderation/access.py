"""Loading an assessment for a moderation use case (visibility, its active assignment), and
moving it through the lifecycle with its StatusChange and audit record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from app import db
from app.accounts.actor import Actor
from app.accounts.policy import can_see_assessment
from app.assessments.lifecycle import Action
from app.assessments.tables import Assessment, StatusChange
from app.audit.service import record
from app.errors import Forbidden, NotFound
from app.moderation.tables import Assignment

NO_SUCH_ASSESSMENT = "No such assessment"


@dataclass(frozen=True)
class Loaded:
    assessment: dict[str, Any]
    assignment: dict[str, Any] | None  # the active one, if any

    @property
    def id(self) -> UUID:
        return self.assessment["id"]

    @property
    def status(self) -> str:
        return str(self.assessment["status"])


async def load(actor: Actor, assessment_id: UUID, lock: bool = False) -> Loaded:
    """The assessment if `actor` may see it, else NotFound; `lock` holds its row (PostgreSQL)."""
    query = Assessment.select().where(Assessment.id == assessment_id).output(load_json=True)
    if lock and db.is_postgres():
        query = query.lock_rows()
    row = await query.first()
    if row is None:
        raise NotFound(NO_SUCH_ASSESSMENT)
    assignment = await active_assignment(assessment_id)
    assigned = {assignment["assessor"]} if assignment else set()
    if not can_see_assessment(actor, row, assigned):
        raise NotFound(NO_SUCH_ASSESSMENT)
    return Loaded(row, assignment)


async def active_assignment(assessment_id: UUID) -> dict[str, Any] | None:
    return (
        await Assignment.select()
        .where((Assignment.assessment == assessment_id) & (Assignment.active.eq(True)))
        .first()
    )


def require_assigned(actor: Actor, loaded: Loaded, doing: str) -> dict[str, Any]:
    """The active assignment when `actor` holds it; Forbidden for anyone else who can see it."""
    if loaded.assignment is None or loaded.assignment["assessor"] != actor.id:
        raise Forbidden(f"Only the assessor assigned to this assessment can {doing}.")
    return loaded.assignment


async def move(
    actor: Actor,
    loaded: Loaded,
    action: Action,
    target: str,
    updates: dict[Any, Any] | None = None,
    note: str = "",
    audit: dict[str, Any] | None = None,
) -> None:
    """Write a checked transition: the new status, its StatusChange and its audit record."""
    before = loaded.status
    await Assessment.update({Assessment.status: target, **(updates or {})}).where(
        Assessment.id == loaded.id
    )
    await StatusChange(
        assessment=loaded.id,
        from_status=before,
        to_status=target,
        action=action.value,
        by=actor.id,
        at=dt.datetime.now(dt.UTC),
        note=note,
    ).save()
    await record(
        actor,
        f"assessment.{action.value}",
        "assessment",
        loaded.id,
        before={"status": before},
        after={"status": target, **(audit or {})},
    )
