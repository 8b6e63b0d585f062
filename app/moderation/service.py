"""Moderation use cases: assign an assessor, record their declaration, moderate each element,
return the assessment to the department, complete moderation. Each owns its transaction and
audit record."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from app import db
from app.accounts.actor import Actor
from app.accounts.policy import is_lead_assessor
from app.accounts.roles import ASSESSOR_ROLES
from app.accounts.tables import User
from app.assessments.lifecycle import Action, check, describe
from app.assessments.results import for_api, to_stored
from app.assessments.scoring import Answer, score
from app.assessments.tables import Assessment, Response
from app.audit.service import record
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.frameworks import service as frameworks
from app.moderation.access import Loaded, load, move, require_assigned
from app.moderation.independence import tie
from app.moderation.rules import (
    TEXT_LIMIT,
    ModeratedAnswer,
    Stored,
    answer_problems,
    completion_problems,
)
from app.moderation.tables import Assignment, Moderation
from app.notifications import outbox

DECLARATION_FIRST = (
    "Record your declaration of no conflict of interest for this assessment before you moderate it."
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _independence_of_lead(actor: Actor, loaded: Loaded, doing: str) -> None:
    if not is_lead_assessor(actor):
        raise Forbidden(f"Only a lead assessor can {doing}.")
    tied = await tie(actor.organisation_id, loaded.assessment["organisation"])
    if tied is not None:
        employer = "the organisation being assessed" if tied.same else tied.words
        raise Forbidden(
            f"You work for {employer}, so you cannot {doing}: another lead assessor must."
        )


async def _assignee(user: str, assessment: dict[str, Any]) -> dict[str, Any]:
    """The user named by id or email if they may be assigned to this assessment; else Invalid."""
    wanted = user.strip()
    try:
        query = User.select().where(User.id == UUID(wanted))
    except ValueError:
        query = User.select().where(User.email == wanted.lower())
    row = await query.first() if wanted else None
    if row is None:
        raise Invalid({"user": f"There is no user with the id or email address '{wanted}'"})
    who = f"{row['name']} ({row['email']})"
    if not row["active"]:
        raise Invalid({"user": f"{who} is deactivated and cannot be assigned"})
    if row["role"] not in ASSESSOR_ROLES:
        raise Invalid(
            {"user": f"{who} is a {row['role']}: only assessors and lead assessors can be assigned"}
        )
    tied = await tie(row["organisation"], assessment["organisation"])
    if tied is not None:
        why = (
            "an assessor can never be assigned to assess their own organisation"
            if tied.same
            else "nobody employed by the organisation being assessed, or by an organisation above "
            "or below it, can be assigned to assess it"
        )
        raise Invalid({"user": f"{who} works for {tied.words}: {why}"})
    return row


async def assign(
    actor: Actor, assessment_id: UUID, user: str, declaration: str | None = None
) -> dict[str, Any]:
    """Assign (or reassign) the assessor; submitted|in_review -> in_review.

    `declaration`, when given, is the assessor's declaration of no conflict of interest, recorded
    by the lead on their behalf; without it the assessor records it before moderating.
    """
    declaration = (declaration or "").strip()
    if len(declaration) > TEXT_LIMIT:
        raise Invalid(
            {"declaration": f"The declaration must be {TEXT_LIMIT:,} characters or fewer"}
        )
    async with db.transaction():
        loaded = await load(actor, assessment_id, lock=True)
        await _independence_of_lead(actor, loaded, "assign its assessor")
        target = check(loaded.status, Action.ASSIGN)
        assessor = await _assignee(user, loaded.assessment)
        previous = loaded.assignment
        if previous is not None and previous["assessor"] == assessor["id"]:
            assignment_id = previous["id"]
            declaration = declaration or previous["declaration"]
            await Assignment.update({Assignment.declaration: declaration}).where(
                Assignment.id == assignment_id
            )
        else:
            if previous is not None:
                await Assignment.update({Assignment.active: False}).where(
                    Assignment.id == previous["id"]
                )
            assignment = Assignment(
                assessment=loaded.id,
                assessor=assessor["id"],
                assigned_by=actor.id,
                assigned_at=_now(),
                declaration=declaration,
                active=True,
            )
            await assignment.save()
            assignment_id = assignment.id
            await outbox.assessor_assigned(loaded.assessment, target, assessor["id"])
        await move(
            actor,
            loaded,
            Action.ASSIGN,
            target,
            note=f"Assigned to {assessor['name']}",
            audit={
                "assessor": str(assessor["id"]),
                "previous_assessor": str(previous["assessor"]) if previous else None,
                "declaration": declaration,
            },
        )
    return {
        "id": str(loaded.id),
        "status": target,
        "assignment": str(assignment_id),
        "assessor": {
            "id": str(assessor["id"]),
            "email": assessor["email"],
            "name": assessor["name"],
        },
        "declaration": declaration or None,
        "declaration_required": not declaration,
    }


async def declare(actor: Actor, assessment_id: UUID, declaration: str) -> dict[str, Any]:
    """The assigned assessor's declaration of no conflict of interest, kept with the assignment."""
    declaration = declaration.strip()
    if not declaration:
        raise Invalid({"declaration": "Enter your declaration of no conflict of interest"})
    if len(declaration) > TEXT_LIMIT:
        raise Invalid(
            {"declaration": f"The declaration must be {TEXT_LIMIT:,} characters or fewer"}
        )
    async with db.transaction():
        loaded = await load(actor, assessment_id, lock=True)
        assignment = require_assigned(
            actor, loaded, "record its declaration of no conflict of interest"
        )
        await Assignment.update({Assignment.declaration: declaration}).where(
            Assignment.id == assignment["id"]
        )
        await record(
            actor,
            "assignment.declare",
            "assessment",
            loaded.id,
            before={"declaration": assignment["declaration"] or None},
            after={"declaration": declaration},
        )
    return {"id": str(loaded.id), "declaration": declaration}


def moderation_json(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "element": row["element_code"],
        "score": row["score"],
        "not_applicable": row["not_applicable"],
        "rationale": row["rationale"],
        "strength": row["strength"],
        "improvement": row["improvement"],
        "revision": row["revision"],
    }


async def moderate(
    actor: Actor, assessment_id: UUID, code: str, moderated: ModeratedAnswer, revision: int
) -> dict[str, Any]:
    """Save one element's moderated answer; `revision` is the one read (0: none yet)."""
    async with db.transaction():
        loaded = await load(actor, assessment_id, lock=True)
        assignment = require_assigned(actor, loaded, "moderate it")
        if loaded.status != "in_review":
            raise Conflict(
                "Moderated answers can be changed only while the assessment is in review. "
                + describe(loaded.status),
                state=loaded.status,
            )
        if not assignment["declaration"].strip():
            raise Conflict(DECLARATION_FIRST)
        _, framework = await frameworks.framework_for(loaded.assessment["framework_version"])
        if framework.element(code) is None:
            raise NotFound(f"The framework of this assessment has no element {code}")
        stored = (
            await Moderation.select()
            .where((Moderation.assessment == loaded.id) & (Moderation.element_code == code))
            .first()
        )
        current = stored["revision"] if stored else 0
        if revision != current:
            raise Conflict(
                f"{code} was moderated again since you read it (you sent revision {revision}; "
                f"revision {current} is stored). Reload it, then make your change again.",
                stored=moderation_json(stored),
            )
        department = await _department_answers(loaded.id, code)
        problems = answer_problems(framework, code, moderated, department.get(code))
        if problems:
            raise Invalid(problems)
        answer = moderated.answer()
        values: dict[str, Any] = {
            "score": answer.score,
            "not_applicable": answer.not_applicable,
            "rationale": moderated.rationale.strip(),
            "strength": moderated.strength.strip(),
            "improvement": moderated.improvement.strip(),
            "revision": current + 1,
            "moderated_by": actor.id,
            "updated_at": _now(),
        }
        if stored is None:
            await Moderation(assessment=loaded.id, element_code=code, **values).save()
        else:
            await Moderation.update(**values).where(Moderation.id == stored["id"])
        after = {
            "element": code,
            "score": answer.score,
            "not_applicable": answer.not_applicable,
            "rationale": moderated.rationale.strip(),
            "revision": current + 1,
        }
        await record(
            actor,
            "moderation.save",
            "assessment",
            loaded.id,
            before=moderation_json(stored),
            after=after,
        )
    return {"revision": current + 1}


async def _department_answers(assessment_id: UUID, code: str | None = None) -> dict[str, Answer]:
    query = Response.select(Response.element_code, Response.score, Response.not_applicable).where(
        Response.assessment == assessment_id
    )
    if code is not None:
        query = query.where(Response.element_code == code)
    return {r["element_code"]: Answer(r["score"], r["not_applicable"]) for r in await query}


async def moderated_answers(assessment_id: UUID) -> dict[str, Stored]:
    rows = await Moderation.select(
        Moderation.element_code, Moderation.score, Moderation.not_applicable, Moderation.rationale
    ).where(Moderation.assessment == assessment_id)
    return {
        r["element_code"]: Stored(Answer(r["score"], r["not_applicable"]), r["rationale"])
        for r in rows
    }


async def return_to_department(
    actor: Actor, assessment_id: UUID, reason: str, elements: list[str] | None = None
) -> dict[str, Any]:
    """in_review -> returned, with the reason and the elements the department should revisit."""
    reason = reason.strip()
    async with db.transaction():
        loaded = await load(actor, assessment_id, lock=True)
        require_assigned(actor, loaded, "return it to the department")
        target = check(loaded.status, Action.RETURN)
        _, framework = await frameworks.framework_for(loaded.assessment["framework_version"])
        problems: dict[str, str] = {}
        if not reason:
            problems["reason"] = "Enter the reason for returning the assessment to the department"
        elif len(reason) > TEXT_LIMIT:
            problems["reason"] = f"The reason must be {TEXT_LIMIT:,} characters or fewer"
        wanted = {code.strip() for code in elements or []}
        unknown = sorted(code for code in wanted if framework.element(code) is None)
        if unknown:
            problems["elements"] = (
                f"The framework has no element {', '.join(unknown)}; name elements by their code"
            )
        if problems:
            raise Invalid(problems)
        codes = [e.code for e in framework.elements() if e.code in wanted]
        # What the department changes from now on is what the assessor sees highlighted.
        await Response.update({Response.changed_since_submission: False}).where(
            Response.assessment == loaded.id
        )
        await move(
            actor,
            loaded,
            Action.RETURN,
            target,
            updates={Assessment.return_reason: reason, Assessment.return_elements: codes},
            note=reason,
            audit={"reason": reason, "elements": codes},
        )
        await outbox.assessment_returned(loaded.assessment, target, reason, codes)
    return {"id": str(loaded.id), "status": target, "reason": reason, "elements": codes}


async def complete(actor: Actor, assessment_id: UUID) -> dict[str, Any]:
    """in_review -> moderated once every element is moderated (with rationales where needed)."""
    async with db.transaction():
        loaded = await load(actor, assessment_id, lock=True)
        assignment = require_assigned(actor, loaded, "complete its moderation")
        target = check(loaded.status, Action.COMPLETE)
        _, framework = await frameworks.framework_for(loaded.assessment["framework_version"])
        saved = await moderated_answers(loaded.id)
        problems = completion_problems(framework, await _department_answers(loaded.id), saved)
        if not assignment["declaration"].strip():
            problems = {"declaration": DECLARATION_FIRST, **problems}
        if problems:
            count = sum(1 for key in problems if key != "declaration")
            raise Invalid(
                problems,
                message=f"Moderation cannot be completed yet: {count} element(s) need a moderated "
                "answer or a rationale" + ("" if count else "; the declaration is missing"),
            )
        result = score(framework, {code: s.answer for code, s in saved.items()})
        stored = to_stored(result)
        percent = None if result.overall is None else str(result.overall)
        await move(
            actor,
            loaded,
            Action.COMPLETE,
            target,
            updates={Assessment.moderated_result: stored, Assessment.moderated_percent: percent},
            audit={"moderated_result": stored},
        )
    return {
        "id": str(loaded.id),
        "status": target,
        "moderated": for_api(stored),
        "moderated_percent": percent,
    }
