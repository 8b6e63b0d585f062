"""Writing to the outbox, inside the transaction of the change that causes each email.

The services call one function per event where it happens (assessments.service.submit,
moderation.service.assign and return_to_department, moderation.decision.decide); a rolled-back
change rolls its notifications back with it. Each goes to every active person the contract
names who may see the object, never to a deactivated account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID, uuid4

from app.accounts import policy
from app.accounts.actor import Actor
from app.accounts.roles import DEPARTMENT_ROLES, Role
from app.accounts.tables import User
from app.frameworks.tables import FrameworkVersion
from app.notifications import emails
from app.notifications.events import Event
from app.notifications.tables import Notification
from app.organisations.tables import Organisation

PERSON = (User.id, User.email, User.name, User.role, User.organisation)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def actor_of(person: dict[str, Any]) -> Actor:
    """The person as the access policy sees them, to ask whether they may see the object."""
    return Actor(
        id=person["id"],
        email=person["email"],
        name=person["name"],
        role=Role(person["role"]),
        organisation_id=person["organisation"],
    )


def rows_for(
    event: Event,
    people: Iterable[dict[str, Any]],
    context: dict[str, Any],
    now: dt.datetime,
    key: Callable[[dict[str, Any]], str] | None = None,
) -> list[Notification]:
    """One pending notification per person, due at once."""
    rows = []
    for person in people:
        personal = {**context, "name": person["name"]}
        rows.append(
            Notification(
                id=uuid4(),
                event=event.value,
                user=person["id"],
                recipient=person["email"],
                subject=emails.subject(event.value, personal),
                context=personal,
                state="pending",
                tries=0,
                next_attempt_at=now,
                created_at=now,
                key=key(person) if key else None,
            )
        )
    return rows


async def write(
    event: Event,
    people: Iterable[dict[str, Any]],
    context: dict[str, Any],
    can_see: Callable[[Actor], bool],
) -> int:
    """Queue the email to each of `people` who may see its object; how many were queued."""
    readers = [p for p in people if can_see(actor_of(p))]
    rows = rows_for(event, readers, context, _now())
    if rows:
        await Notification.insert(*rows)
    return len(rows)


# --- who is named -----------------------------------------------------------------------------


async def active_people(where: Any) -> list[dict[str, Any]]:
    return list(await User.select(*PERSON).where(where & User.active.eq(True)).order_by(User.email))


async def lead_assessors() -> list[dict[str, Any]]:
    return await active_people(User.role == Role.LEAD_ASSESSOR.value)


async def department(organisation: UUID, roles: Iterable[Role]) -> list[dict[str, Any]]:
    return await active_people(
        (User.organisation == organisation) & User.role.is_in([r.value for r in roles])
    )


# --- the events -------------------------------------------------------------------------------


async def _assessment_context(assessment: dict[str, Any]) -> dict[str, Any]:
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == assessment["organisation"])
        .first()
    )
    framework = (
        await FrameworkVersion.select(FrameworkVersion.title, FrameworkVersion.version)
        .where(FrameworkVersion.id == assessment["framework_version"])
        .first()
    )
    return {
        "assessment_id": str(assessment["id"]),
        "organisation": organisation["name"] if organisation else "",
        "framework": f"{framework['title']} {framework['version']}" if framework else "",
    }


def _seen_as(assessment: dict[str, Any], status: str) -> dict[str, Any]:
    """The assessment as it stands once the change is made (who may see it depends on that)."""
    return {**assessment, "status": status}


async def assessment_submitted(
    assessment: dict[str, Any], status: str, assessor: UUID | None
) -> int:
    """A first submission asks every lead assessor for an assessor; a resubmission after a return
    goes back to the assessor assigned."""
    context = await _assessment_context(assessment)
    seen = _seen_as(assessment, status)
    if assessor is None:
        return await write(
            Event.ASSESSMENT_SUBMITTED,
            await lead_assessors(),
            context,
            lambda actor: policy.can_see_assessment(actor, seen),
        )
    return await write(
        Event.ASSESSMENT_RESUBMITTED,
        await active_people(User.id == assessor),
        context,
        lambda actor: policy.can_see_assessment(actor, seen, {assessor}),
    )


async def assessor_assigned(assessment: dict[str, Any], status: str, assessor: UUID) -> int:
    return await write(
        Event.ASSESSOR_ASSIGNED,
        await active_people(User.id == assessor),
        await _assessment_context(assessment),
        lambda actor: policy.can_see_assessment(actor, _seen_as(assessment, status), {assessor}),
    )


async def assessment_returned(
    assessment: dict[str, Any], status: str, reason: str, elements: list[str]
) -> int:
    context = {**await _assessment_context(assessment), "reason": reason, "elements": elements}
    return await write(
        Event.ASSESSMENT_RETURNED,
        await department(assessment["organisation"], DEPARTMENT_ROLES),
        context,
        lambda actor: policy.can_see_assessment(actor, _seen_as(assessment, status)),
    )


async def decision_made(assessment: dict[str, Any], status: str, award: str | None) -> int:
    context = {**await _assessment_context(assessment), "award": award}
    return await write(
        Event.DECISION_MADE,
        await department(assessment["organisation"], [Role.DEPT_LEAD]),
        context,
        lambda actor: policy.can_see_assessment(actor, _seen_as(assessment, status)),
    )


async def appeal_lodged(assessment: dict[str, Any], appeal_id: UUID) -> int:
    """Every lead assessor: one of them who took no part must decide it."""
    context = {**await _assessment_context(assessment), "appeal_id": str(appeal_id)}
    return await write(
        Event.APPEAL_LODGED,
        await lead_assessors(),
        context,
        lambda actor: policy.can_see_assessment(actor, assessment),
    )


async def appeal_decided(
    assessment: dict[str, Any], status: str, appeal_id: UUID, outcome: str
) -> int:
    context = {
        **await _assessment_context(assessment),
        "appeal_id": str(appeal_id),
        "outcome": outcome,
    }
    return await write(
        Event.APPEAL_DECIDED,
        await department(assessment["organisation"], [Role.DEPT_LEAD]),
        context,
        lambda actor: policy.can_see_assessment(actor, _seen_as(assessment, status)),
    )
