"""The certification decision: a lead assessor independent of the moderation confirms the award
(concluding the assessment and issuing a certificate) or refers it back to the assessor."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from uuid import UUID

from app import db
from app.accounts.actor import Actor
from app.accounts.policy import is_lead_assessor
from app.appeals.independence import after_appeal_blocker, after_appeal_part
from app.assessments.lifecycle import Action, check
from app.assessments.results import to_stored
from app.assessments.scoring import award_for, score
from app.assessments.tables import Assessment
from app.certificates import service as certificates
from app.errors import Conflict, Forbidden, Invalid
from app.frameworks import service as frameworks
from app.frameworks.model import Award, Framework
from app.moderation.access import Loaded, load, move
from app.moderation.independence import family_members, tie
from app.moderation.rules import TEXT_LIMIT
from app.moderation.service import moderated_answers
from app.moderation.tables import Assignment, Decision, Moderation
from app.notifications import outbox
from app.reports.pdf import RenderFailed
from app.settings import Settings

OUTCOMES = {"confirm": Action.DECIDE_CONFIRM, "refer_back": Action.DECIDE_REFER_BACK}
NOT_INDEPENDENT = (
    "You were assigned to moderate this assessment or moderated part of it, so you cannot make its "
    "certification decision: the lead assessor who decides must not be an assessor who "
    "moderated it. Ask another lead assessor to decide."
)

log = logging.getLogger("charter")


async def took_part(user_id: UUID, assessment_id: UUID) -> bool:
    """Whether the user was ever assigned to, or saved a moderated answer on, the assessment."""
    assigned = await Assignment.exists().where(
        (Assignment.assessment == assessment_id) & (Assignment.assessor == user_id)
    )
    return assigned or await Moderation.exists().where(
        (Moderation.assessment == assessment_id) & (Moderation.moderated_by == user_id)
    )


async def blocker(actor: Actor, loaded: Loaded) -> str | None:
    """Why `actor` may not make this assessment's certification decision, or None if they may."""
    if not is_lead_assessor(actor):
        return "Only a lead assessor can make the certification decision."
    tied = await tie(actor.organisation_id, loaded.assessment["organisation"])
    if tied is not None:
        employer = "the organisation being assessed" if tied.same else tied.words
        return (
            f"You work for {employer}, so you cannot make its certification decision: another "
            "lead assessor must."
        )
    if await took_part(actor.id, loaded.id):
        return NOT_INDEPENDENT
    return await after_appeal_blocker(actor.id, loaded.id)


# Why a lead is not offered "Decide" in the queue: short, for a table cell (the decision page
# gives blocker()'s whole sentence).
QUEUE_BLOCKERS = {
    "role": "Lead assessors decide",
    "tied": "You cannot decide: you work for it, or for an organisation above or below it",
    "took_part": "You cannot decide: you moderated it",
    "appeal": "You cannot decide: you decided it before, or its upheld appeal",
}


async def queue_blockers(actor: Actor, assessments: list[dict[str, Any]]) -> dict[str, str]:
    """{assessment id: why `actor` may not decide it} for queue rows ({id, organisation_id}):
    three queries in all, never one per row. Being above or below is symmetric, so the
    actor's employer's family answers for every row at once."""
    if not assessments:
        return {}
    if not is_lead_assessor(actor):
        return {a["id"]: QUEUE_BLOCKERS["role"] for a in assessments}
    tied = await family_members(actor.organisation_id) if actor.organisation_id else frozenset()
    ids = [UUID(a["id"]) for a in assessments]
    took_part = {
        r["assessment"]
        for r in await Assignment.select(Assignment.assessment).where(
            Assignment.assessment.is_in(ids) & (Assignment.assessor == actor.id)
        )
    } | {
        r["assessment"]
        for r in await Moderation.select(Moderation.assessment).where(
            Moderation.assessment.is_in(ids) & (Moderation.moderated_by == actor.id)
        )
    }
    after_appeal = await after_appeal_part(actor.id, ids)
    reasons = {}
    for a in assessments:
        if a["organisation_id"] in tied:
            reasons[a["id"]] = QUEUE_BLOCKERS["tied"]
        elif UUID(a["id"]) in took_part:
            reasons[a["id"]] = QUEUE_BLOCKERS["took_part"]
        elif UUID(a["id"]) in after_appeal:
            reasons[a["id"]] = QUEUE_BLOCKERS["appeal"]
    return reasons


def _parse(outcome: str, note: str) -> tuple[Action, str]:
    note = note.strip()
    problems: dict[str, str] = {}
    if outcome not in OUTCOMES:
        problems["outcome"] = f"The outcome must be confirm or refer_back, not '{outcome}'"
    elif outcome == "refer_back" and not note:
        problems["note"] = "Say what the assessor should look at again when you refer it back"
    if len(note) > TEXT_LIMIT:
        problems["note"] = f"The note must be {TEXT_LIMIT:,} characters or fewer"
    if problems:
        raise Invalid(problems)
    return OUTCOMES[outcome], note


async def decide(
    actor: Actor,
    assessment_id: UUID,
    outcome: str,
    note: str = "",
    settings: Settings | None = None,
) -> dict[str, Any]:
    """moderated -> concluded (confirm) or in_review (refer_back); answers {award, certificate}.
    A certificate is issued in the decision's transaction and sealed (rendered and signed) right
    after it, unless a caller's transaction is still open (the demo seals after back-dating)."""
    settings = settings or Settings.from_env()
    action, note = _parse(outcome, note)
    async with db.transaction():
        loaded = await load(actor, assessment_id, lock=True)
        reason = await blocker(actor, loaded)
        if reason is not None:
            raise Forbidden(reason)
        target = check(loaded.status, action)
        now = dt.datetime.now(dt.UTC)
        if action is Action.DECIDE_REFER_BACK:
            await Decision(
                assessment=loaded.id,
                lead_assessor=actor.id,
                outcome=outcome,
                note=note,
                decided_at=now,
            ).save()
            await move(
                actor, loaded, action, target, note=note, audit={"outcome": outcome, "note": note}
            )
            return {"id": str(loaded.id), "status": target, "award": None, "certificate": None}
        _, framework = await frameworks.framework_for(loaded.assessment["framework_version"])
        award, stored, percent = await _award(framework, loaded.id)
        await Decision(
            assessment=loaded.id,
            lead_assessor=actor.id,
            outcome=outcome,
            note=note,
            award_code=award.code if award else None,
            decided_at=now,
        ).save()
        await move(
            actor,
            loaded,
            action,
            target,
            note=note,
            updates={
                Assessment.concluded_at: now,
                Assessment.award_code: award.code if award else None,
                Assessment.award_label: award.label if award else None,
                Assessment.moderated_result: stored,
                Assessment.moderated_percent: percent,
            },
            audit={
                "outcome": outcome,
                "note": note,
                "award": award.code if award else None,
                "moderated_percent": percent,
            },
        )
        certificate = await certificates.issue(actor, loaded.id, settings) if award else None
        await outbox.decision_made(loaded.assessment, target, award.label if award else None)
    if certificate is not None and not db.in_transaction():
        try:
            await certificates.seal(settings, certificate["id"])
        except RenderFailed as exc:  # issued all the same; its first download seals it
            log.warning("certificate %s issued but not sealed yet: %s", certificate["id"], exc)
    return {
        "id": str(loaded.id),
        "status": target,
        "award": {"code": award.code, "label": award.label} if award else None,
        "certificate": certificate,
    }


async def _award(
    framework: Framework, assessment_id: UUID
) -> tuple[Award | None, dict[str, Any], str | None]:
    """The award by the framework's own rules from the moderated answers, never the department's."""
    saved = await moderated_answers(assessment_id)
    missing = [e.code for e in framework.elements() if e.code not in saved]
    if missing:  # complete() prevents this; a decision on partial moderation must never happen
        raise Conflict(f"These elements have no moderated answer: {', '.join(missing)}")
    answers = {code: s.answer for code, s in saved.items()}
    result = score(framework, answers)
    percent = None if result.overall is None else str(result.overall)
    return award_for(framework, answers, result), to_stored(result), percent
