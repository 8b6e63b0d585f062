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
