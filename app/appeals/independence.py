"""After an upheld appeal, who may make the new certification decision (contract.md § Appeals)."""

from __future__ import annotations

from uuid import UUID

from app.appeals.tables import Appeal
from app.moderation.tables import Decision

TOOK_PART_IN_APPEAL = (
    "An appeal against this assessment's decision was upheld, and you made its earlier decision "
    "or decided the appeal, so another lead assessor must make the new decision."
)


async def after_appeal_blocker(user_id: UUID, assessment_id: UUID) -> str | None:
    """Why a lead may not make the new decision on an assessment reopened by an upheld appeal
    (they decided it before, or decided an appeal on it), or None."""
    upheld = await Appeal.exists().where(
        (Appeal.assessment == assessment_id) & (Appeal.outcome == "upheld")
    )
    if not upheld:
        return None
    decided = await Decision.exists().where(
        (Decision.assessment == assessment_id) & (Decision.lead_assessor == user_id)
    )
    appealed = await Appeal.exists().where(
        (Appeal.assessment == assessment_id) & (Appeal.decided_by == user_id)
    )
    return TOOK_PART_IN_APPEAL if decided or appealed else None


async def after_appeal_part(user_id: UUID, assessment_ids: list[UUID]) -> set[UUID]:
    """Of these assessments, those reopened by an upheld appeal whose new decision the user may
    not make (after_appeal_blocker for many at once, for the queue: two queries in all)."""
    if not assessment_ids:
        return set()
    appeals = await Appeal.select(Appeal.assessment, Appeal.decided_by, Appeal.outcome).where(
        Appeal.assessment.is_in(assessment_ids) & Appeal.decided_by.is_not_null()
    )
    reopened = {a["assessment"] for a in appeals if a["outcome"] == "upheld"}
    if not reopened:
        return set()
    decided = await Decision.select(Decision.assessment).where(
        Decision.assessment.is_in(list(reopened)) & (Decision.lead_assessor == user_id)
    )
    return {d["assessment"] for d in decided} | {
        a["assessment"]
        for a in appeals
        if a["decided_by"] == user_id and a["assessment"] in reopened
    }
