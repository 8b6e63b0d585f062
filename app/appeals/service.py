"""Appeals (contract.md § Appeals): lodge one within 30 days of a decision, read it, decide it.

An upheld appeal revokes the certificate the decision issued and returns the assessment to
`moderated`, for a new decision by a lead assessor who took no part in it, its first decision or
the appeal (independence.py, which the certification decision asks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from app import db
from app.accounts import policy
from app.accounts.actor import Actor
from app.accounts.roles import DEPARTMENT_ROLES, Role
from app.appeals.tables import Appeal
from app.assessments.tables import Assessment, StatusChange
from app.audit.service import record
from app.certificates import service as certificates
from app.certificates.tables import Certificate
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.moderation.access import load
from app.moderation.decision import took_part
from app.moderation.independence import tie
from app.moderation.tables import Decision
from app.notifications import outbox

WINDOW_DAYS = 30
TEXT_LIMIT = 10_000
OUTCOMES = ("upheld", "dismissed")
NOT_FOUND = "No appeal with that id, or you may not see it"
LABELS = {"open": "Open", "upheld": "Upheld", "dismissed": "Dismissed"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _uuid(value: Any) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class AppealView:
    id: UUID
    assessment: UUID
    organisation: UUID
    grounds: str
    status: str
    outcome: str | None
    note: str
    lodged_by: str
    lodged_at: dt.datetime
    decided_by: UUID | None
    decided_by_name: str | None
    decided_at: dt.datetime | None

    @property
    def label(self) -> str:
        return LABELS.get(self.outcome or self.status, self.status)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "assessment": str(self.assessment),
            "grounds": self.grounds,
            "status": self.status,
            "outcome": self.outcome,
            "note": self.note,
            "decided_by": str(self.decided_by) if self.decided_by else None,
            "lodged_at": self.lodged_at.astimezone(dt.UTC).isoformat(),
            "decided_at": self.decided_at.astimezone(dt.UTC).isoformat()
            if self.decided_at
            else None,
        }


_COLUMNS = (
    *Appeal.all_columns(),
    Appeal.assessment.organisation.as_alias("organisation"),
    Appeal.lodged_by.name.as_alias("lodged_by_name"),
    Appeal.decided_by.name.as_alias("decided_by_name"),
)


def _view(row: dict[str, Any]) -> AppealView:
    return AppealView(
        id=row["id"],
        assessment=row["assessment"],
        organisation=row["organisation"],
        grounds=row["grounds"],
        status=row["status"],
        outcome=row["outcome"],
        note=row["note"] or "",
        lodged_by=row["lodged_by_name"] or "",
        lodged_at=row["lodged_at"],
        decided_by=row["decided_by"],
        decided_by_name=row["decided_by_name"],
        decided_at=row["decided_at"],
    )


def can_read(actor: Actor, organisation_id: UUID) -> bool:
    """The organisation, lead assessors and admins."""
    if actor.role in (Role.ADMIN, Role.LEAD_ASSESSOR):
        return True
    return actor.role in DEPARTMENT_ROLES and actor.organisation_id == organisation_id


def window_closes(concluded_at: dt.datetime | None) -> dt.datetime | None:
    return concluded_at + dt.timedelta(days=WINDOW_DAYS) if concluded_at else None


def _text(value: str, name: str, what: str, problems: dict[str, str]) -> str:
    text = (value or "").strip()
    if not text:
        problems[name] = f"Enter the {what}"
    elif len(text) > TEXT_LIMIT:
        problems[name] = f"The {what} must be {TEXT_LIMIT:,} characters or fewer"
    return text


async def _open_appeal(assessment_id: UUID) -> dict[str, Any] | None:
    return (
        await Appeal.select(Appeal.id)
        .where((Appeal.assessment == assessment_id) & (Appeal.status == "open"))
        .first()
    )


def lodge_blocker(actor: Actor, assessment: dict[str, Any], now: dt.datetime) -> str | None:
    """Why the assessment may not be appealed now (by anyone), or None."""
    if assessment["status"] != "concluded":
        return (
            f"Only a concluded assessment can be appealed; this one is "
            f"{str(assessment['status']).replace('_', ' ')}"
        )
    closes = window_closes(assessment["concluded_at"])
    if closes is not None and now > closes:
        return f"An appeal must be lodged within {WINDOW_DAYS} days of the decision; that time has passed"
    return None


async def may_lodge(actor: Actor, assessment: dict[str, Any]) -> bool:
    """Whether the page offers "Appeal this decision"."""
    return (
        policy.can_submit_assessment(actor, assessment)
        and lodge_blocker(actor, assessment, _now()) is None
        and await _open_appeal(assessment["id"]) is None
    )


async def lodge(actor: Actor, assessment_id: UUID | str, grounds: str) -> AppealView:
    wanted = _uuid(assessment_id)
    if wanted is None:
        raise NotFound("No assessment with that id, or you may not see it")
    async with db.transaction():
        loaded = await load(actor, wanted, lock=True)
        assessment = loaded.assessment
        if not policy.can_submit_assessment(actor, assessment):
            raise Forbidden("Only the organisation's department lead can appeal its decision")
        now = _now()
        problems: dict[str, str] = {}
        text = _text(grounds, "grounds", "grounds for the appeal", problems)
        if problems:
            raise Invalid(problems)
        blocked = lodge_blocker(actor, assessment, now)
        if blocked:
            raise Conflict(blocked, state=assessment["status"])
        if await _open_appeal(loaded.id) is not None:
            raise Conflict("This assessment already has an open appeal; wait for its decision")
        appeal = Appeal(
            assessment=loaded.id,
            grounds=text,
            status="open",
            lodged_by=actor.id,
            lodged_at=now,
        )
        await appeal.save()
        await record(
            actor,
            "appeal.lodge",
            "appeal",
            appeal.id,
            after={"assessment": str(loaded.id), "grounds": text},
        )
        await outbox.appeal_lodged(assessment, appeal.id)
    return await get(actor, appeal.id)


async def get(actor: Actor, appeal_id: UUID | str) -> AppealView:
    wanted = _uuid(appeal_id)
    row = await Appeal.select(*_COLUMNS).where(Appeal.id == wanted).first() if wanted else None
    if row is None or not can_read(actor, row["organisation"]):
        raise NotFound(NOT_FOUND)
    return _view(row)


async def of_assessment(actor: Actor, assessment: dict[str, Any]) -> list[AppealView]:
    """The assessment's appeals, newest first, for its page."""
    if not can_read(actor, assessment["organisation"]):
        return []
    rows = (
        await Appeal.select(*_COLUMNS)
        .where(Appeal.assessment == assessment["id"])
        .order_by(Appeal.lodged_at, ascending=False)
        .limit(20)
    )
    return [_view(r) for r in rows]


async def open_appeals(actor: Actor) -> list[dict[str, Any]]:
    """Open appeals, oldest first, with each assessment's organisation and framework: for lead
    assessors (and admins) only."""
    if actor.role not in (Role.ADMIN, Role.LEAD_ASSESSOR):
        raise NotFound("Only lead assessors see the appeals")
    return list(
        await Appeal.select(
            Appeal.id,
            Appeal.lodged_at,
            Appeal.assessment,
            Appeal.assessment.organisation.name.as_alias("organisation_name"),  # type: ignore[union-attr]
            Appeal.assessment.framework_version.title.as_alias("framework_title"),  # type: ignore[union-attr]
        )
        .where(Appeal.status == "open")
        .order_by(Appeal.lodged_at)
        .limit(200)
    )


async def decide_blocker(
    actor: Actor, appeal: AppealView, assessment: dict[str, Any]
) -> str | None:
    """Why `actor` may not decide the appeal, or None if they may."""
    if actor.role != Role.LEAD_ASSESSOR:
        return "Only a lead assessor can decide an appeal."
    tied = await tie(actor.organisation_id, assessment["organisation"])
    if tied is not None:
        return "You work for the organisation that appealed, or one above or below it, so another lead assessor must decide the appeal."
    if await took_part(actor.id, appeal.assessment):
        return "You were assigned to or moderated this assessment, so another lead assessor must decide its appeal."
    decided = await Decision.exists().where(
        (Decision.assessment == appeal.assessment) & (Decision.lead_assessor == actor.id)
    )
    if decided:
        return "You made a certification decision on this assessment, so another lead assessor must decide its appeal."
    return None


async def _any(appeal_id: UUID | str) -> AppealView:
    wanted = _uuid(appeal_id)
    row = await Appeal.select(*_COLUMNS).where(Appeal.id == wanted).first() if wanted else None
    if row is None:
        raise NotFound(NOT_FOUND)
    return _view(row)


async def decide(actor: Actor, appeal_id: UUID | str, outcome: str, note: str) -> AppealView:
    """Someone who may see the assessment but not decide its appeal (its assessor) gets 403."""
    appeal = await _any(appeal_id)
    problems: dict[str, str] = {}
    if outcome not in OUTCOMES:
        problems["outcome"] = "The outcome must be upheld or dismissed"
    text = _text(note, "note", "reasons for the decision", problems)
    async with db.transaction():
        loaded = await load(actor, appeal.assessment, lock=True)
        blocked = await decide_blocker(actor, appeal, loaded.assessment)
        if blocked:
            raise Forbidden(blocked)
        if problems:
            raise Invalid(problems)
        fresh = await _any(appeal.id)
        if fresh.status != "open":
            raise Conflict(
                f"This appeal was already decided: {fresh.label.lower()}", state=fresh.status
            )
        now = _now()
        await Appeal.update(
            {
                Appeal.status: "decided",
                Appeal.outcome: outcome,
                Appeal.note: text,
                Appeal.decided_by: actor.id,
                Appeal.decided_at: now,
            }
        ).where(Appeal.id == appeal.id)
        revoked = None
        status = loaded.status
        if outcome == "upheld":
            revoked = await _reopen(actor, loaded.assessment, appeal.id, text, now)
            status = "moderated"
        await record(
            actor,
            "appeal.decide",
            "appeal",
            appeal.id,
            before={"status": "open"},
            after={"outcome": outcome, "note": text, "certificate_revoked": revoked},
        )
        await outbox.appeal_decided(loaded.assessment, status, appeal.id, outcome)
    return await get(actor, appeal.id)


async def _reopen(
    actor: Actor, assessment: dict[str, Any], appeal_id: UUID, note: str, now: dt.datetime
) -> str | None:
    """Revoke the certificate the decision issued and return the assessment to moderated."""
    certificate = (
        await Certificate.select(Certificate.id, Certificate.revoked_at)
        .where(Certificate.assessment == assessment["id"])
        .first()
    )
    revoked = None
    if certificate is not None and certificate["revoked_at"] is None:
        await certificates.revoke(
            actor, certificate["id"], f"The appeal against its decision was upheld: {note}"[:500]
        )
        revoked = str(certificate["id"])
    await Assessment.update(
        {
            Assessment.status: "moderated",
            Assessment.concluded_at: None,
            Assessment.award_code: None,
            Assessment.award_label: None,
        }
    ).where(Assessment.id == assessment["id"])
    await StatusChange(
        assessment=assessment["id"],
        from_status=assessment["status"],
        to_status="moderated",
        action="appeal_upheld",
        by=actor.id,
        at=now,
        note=note,
    ).save()
    await record(
        actor,
        "assessment.appeal_upheld",
        "assessment",
        assessment["id"],
        before={"status": assessment["status"], "award": assessment["award_code"]},
        after={"status": "moderated", "appeal": str(appeal_id)},
    )
    return revoked
