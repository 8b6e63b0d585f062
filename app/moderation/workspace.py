"""What lead assessors and assessors list: the queue, and assessors' assignments with progress."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from fractions import Fraction
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from app.accounts.actor import Actor
from app.accounts.roles import Role
from app.assessments.lifecycle import label as status_label
from app.assessments.scoring import display_percent
from app.assessments.tables import Assessment, Response
from app.certificates.tables import Certificate
from app.errors import Forbidden
from app.frameworks import service as frameworks
from app.frameworks.model import Framework
from app.frameworks.tables import FrameworkVersion
from app.moderation.tables import Assignment, Moderation

LONDON = ZoneInfo("Europe/London")
LIST_LIMIT = 500
QUEUE_STATES = ("submitted", "in_review", "returned", "moderated")
DECIDED_LIMIT = 20


def today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def days_since(moment: dt.datetime | None) -> int | None:
    if moment is None:
        return None
    return (today() - moment.astimezone(LONDON).date()).days


def _reads_queue(actor: Actor) -> None:
    if actor.role not in (Role.LEAD_ASSESSOR, Role.ADMIN):
        raise Forbidden("Only lead assessors can see the moderation queue.")


async def queue(actor: Actor) -> dict[str, list[dict[str, Any]]]:
    """Assessments past submission and not yet concluded, by state, oldest submission first."""
    _reads_queue(actor)
    rows = await (
        Assessment.select(
            Assessment.id,
            Assessment.status,
            Assessment.submitted_at,
            Assessment.moderated_percent,
            Assessment.organisation,
            Assessment.organisation.name.as_alias("organisation_name"),
            Assessment.framework_version.slug.as_alias("framework_slug"),
            Assessment.framework_version.version.as_alias("framework_version_label"),
            Assessment.framework_version.title.as_alias("framework_title"),
        )
        .where(Assessment.status.is_in(list(QUEUE_STATES)))
        .order_by(Assessment.submitted_at)
        .limit(LIST_LIMIT)
    )
    assessors = await _assessors([r["id"] for r in rows])
    lists: dict[str, list[dict[str, Any]]] = {state: [] for state in QUEUE_STATES}
    for row in rows:
        percent = row["moderated_percent"]
        lists[row["status"]].append(
            {
                "id": str(row["id"]),
                "status": row["status"],
                "organisation": row["organisation_name"],
                "organisation_id": row["organisation"],
                "framework": {
                    "slug": row["framework_slug"],
                    "version": row["framework_version_label"],
                    "title": row["framework_title"],
                },
                "submitted_at": row["submitted_at"],
                "days_waiting": days_since(row["submitted_at"]),
                "assessor": assessors.get(row["id"]),
                "moderated_percent": percent,
                "moderated_percent_display": display_percent(
                    None if percent is None else Fraction(percent)
                ),
            }
        )
    return lists


async def decided(actor: Actor, limit: int = DECIDED_LIMIT) -> list[dict[str, Any]]:
    """The most recently concluded assessments, newest first, each with its certificate if one
    was issued: where a lead finds a decision again (the register has every certificate)."""
    _reads_queue(actor)
    rows = await (
        Assessment.select(
            Assessment.id,
            Assessment.concluded_at,
            Assessment.award_label,
            Assessment.organisation.name.as_alias("organisation_name"),
            Assessment.framework_version.version.as_alias("framework_version_label"),
            Assessment.framework_version.title.as_alias("framework_title"),
        )
        .where(Assessment.status == "concluded")
        .order_by(Assessment.concluded_at, ascending=False)
        .limit(limit)
    )
    certificates = {}
    if rows:
        certificates = {
            c["assessment"]: str(c["id"])
            for c in await Certificate.select(Certificate.id, Certificate.assessment).where(
                Certificate.assessment.is_in([r["id"] for r in rows])
            )
        }
    return [
        {
            "id": str(r["id"]),
            "organisation": r["organisation_name"],
            "framework": {"title": r["framework_title"], "version": r["framework_version_label"]},
            "concluded_at": r["concluded_at"],
            "award_label": r["award_label"],
            "certificate_id": certificates.get(r["id"]),
        }
        for r in rows
    ]


async def just_assigned(actor: Actor, assessment_ref: str | None) -> dict[str, Any] | None:
    """{assessor, organisation} of an assessment's active assignment, for the confirmation shown
    after assigning; None for anything else (the banner's words come from the database, never
    from the address)."""
    _reads_queue(actor)
    try:
        assessment_id = UUID(str(assessment_ref))
    except ValueError:
        return None
    row = await (
        Assignment.select(
            Assignment.assessor.name.as_alias("assessor"),
            Assignment.assessment.organisation.name.as_alias("organisation"),  # type: ignore[union-attr]
        )
        .where((Assignment.assessment == assessment_id) & Assignment.active.eq(True))
        .first()
    )
    return row


async def _assessors(assessment_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    if not assessment_ids:
        return {}
    rows = await Assignment.select(
        Assignment.assessment,
        Assignment.assessor.id.as_alias("assessor_id"),
        Assignment.assessor.name.as_alias("assessor_name"),
        Assignment.assessor.email.as_alias("assessor_email"),
        Assignment.declaration,
    ).where(Assignment.assessment.is_in(assessment_ids) & Assignment.active.eq(True))
    return {
        r["assessment"]: {
            "id": str(r["assessor_id"]),
            "name": r["assessor_name"],
            "email": r["assessor_email"],
            "declared": bool(r["declaration"].strip()),
        }
        for r in rows
    }


async def _models(version_ids: set[UUID]) -> dict[UUID, Framework]:
    if not version_ids:
        return {}
    rows = await FrameworkVersion.select().where(FrameworkVersion.id.is_in(list(version_ids)))
    return {row["id"]: frameworks.model_of(row) for row in rows}


async def assigned_to(actor: Actor) -> list[dict[str, Any]]:
    """The assessor's current assignments with progress: how many elements are moderated."""
    rows = await (
        Assignment.select(
            Assignment.assessment,
            Assignment.declaration,
            Assignment.assigned_at,
            Assignment.assessment.status.as_alias("status"),
            Assignment.assessment.submitted_at.as_alias("submitted_at"),
            Assignment.assessment.framework_version.as_alias("framework_version"),
            # Piccolo's typing stops at two hops; the joins are ordinary foreign keys.
            Assignment.assessment.organisation.name.as_alias("organisation_name"),  # type: ignore[union-attr]
            Assignment.assessment.framework_version.title.as_alias("framework_title"),  # type: ignore[union-attr]
            Assignment.assessment.framework_version.version.as_alias(  # type: ignore[union-attr]
                "framework_version_label"
            ),
        )
        .where((Assignment.assessor == actor.id) & Assignment.active.eq(True))
        .order_by(Assignment.assigned_at)
        .limit(LIST_LIMIT)
    )
    ids = [r["assessment"] for r in rows]
    moderated: Counter[UUID] = Counter()
    changed: Counter[UUID] = Counter()
    if ids:
        for m in await Moderation.select(Moderation.assessment).where(
            Moderation.assessment.is_in(ids)
        ):
            moderated[m["assessment"]] += 1
        for r in await Response.select(Response.assessment).where(
            Response.assessment.is_in(ids) & Response.changed_since_submission.eq(True)
        ):
            changed[r["assessment"]] += 1
    models = await _models({r["framework_version"] for r in rows})
    return [
        {
            "id": str(r["assessment"]),
            "status": r["status"],
            "status_label": status_label(r["status"]),
            "organisation": r["organisation_name"],
            "framework": {"title": r["framework_title"], "version": r["framework_version_label"]},
            "assigned_at": r["assigned_at"],
            "days_waiting": days_since(r["submitted_at"]),
            "declared": bool(r["declaration"].strip()),
            "moderated": moderated[r["assessment"]],
            "elements": len(models[r["framework_version"]].elements()),
            "changed": changed[r["assessment"]],
        }
        for r in rows
    ]
