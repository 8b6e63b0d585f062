"""Action plans (contract.md § Action plans): create, list, read and change a department's actions.

Each change is checked against the access policy, made in one transaction and audited there; a
status change or progress note is kept as the action's history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from app import db
from app.accounts import policy
from app.accounts.actor import Actor
from app.accounts.roles import DEPARTMENT_ROLES, Role
from app.accounts.tables import User
from app.actions.tables import ActionProgress, PlanAction
from app.assessments.tables import Assessment
from app.audit.service import record
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.frameworks import service as frameworks
from app.moderation.tables import Assignment, Moderation
from app.organisations.tables import Organisation
from app.templating import LONDON

STATUSES = ("open", "in_progress", "done", "dropped")
CLOSED = frozenset({"done", "dropped"})
LABELS = {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}
TITLE_LIMIT = 200
TEXT_LIMIT = 5_000
LIST_LIMIT = 500
NOT_FOUND = "No action with that id, or you may not see it"
REVIEWING = ("in_review", "moderated")  # an assessor reads the plan while reviewing


def today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def is_overdue(due_on: dt.date, status: str, on: dt.date | None = None) -> bool:
    """Due date past and neither done nor dropped."""
    return status not in CLOSED and due_on < (on or today())


def label(status: str) -> str:
    return LABELS.get(status, status)


@dataclass(frozen=True)
class Progress:
    at: dt.datetime
    by: str
    status: str
    progress_note: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "by": self.by,
            "status": self.status,
            "progress_note": self.progress_note,
        }


@dataclass(frozen=True)
class ActionView:
    id: UUID
    organisation_slug: str
    organisation_name: str
    title: str
    description: str
    element: str | None
    assessment: UUID | None
    owner: UUID | None
    owner_name: str | None
    due_on: dt.date
    status: str
    history: list[Progress] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return is_overdue(self.due_on, self.status)

    @property
    def closed(self) -> bool:
        return self.status in CLOSED

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "organisation": self.organisation_slug,
            "title": self.title,
            "description": self.description,
            "element": self.element,
            "assessment": str(self.assessment) if self.assessment else None,
            "owner": str(self.owner) if self.owner else None,
            "owner_name": self.owner_name,
            "due_on": self.due_on.isoformat(),
            "status": self.status,
            "overdue": self.overdue,
            "history": [p.as_dict() for p in self.history],
        }


_COLUMNS = (
    *PlanAction.all_columns(),
    PlanAction.organisation.slug.as_alias("organisation_slug"),
    PlanAction.organisation.name.as_alias("organisation_name"),
    PlanAction.owner.name.as_alias("owner_name"),
)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _view(row: dict[str, Any], history: list[Progress] | None = None) -> ActionView:
    return ActionView(
        id=row["id"],
        organisation_slug=row["organisation_slug"],
        organisation_name=row["organisation_name"],
        title=row["title"],
        description=row["description"] or "",
        element=row["element_code"],
        assessment=row["assessment"],
        owner=row["owner"],
        owner_name=row["owner_name"],
        due_on=_date(row["due_on"]),
        status=row["status"],
        history=history or [],
    )


def _uuid(value: Any) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        return None


async def _reviewing(actor: Actor, organisation_id: UUID) -> bool:
    """Whether an assessor is assigned to one of the organisation's assessments under review."""
    if actor.role != Role.ASSESSOR:
        return False
    row = (
        await Assignment.select(Assignment.id)
        .where(
            (Assignment.assessor == actor.id)
            & Assignment.active.eq(True)
            & (Assignment.assessment.organisation == organisation_id)
            & Assignment.assessment.status.is_in(list(REVIEWING))
        )
        .first()
    )
    return row is not None


async def _organisation(actor: Actor, slug: str) -> dict[str, Any]:
    """The organisation whose plan the actor may read (else NotFound, as for any other's)."""
    org = (
        await Organisation.select(Organisation.id, Organisation.slug, Organisation.name)
        .where(Organisation.slug == slug)
        .first()
    )
    missing = NotFound(f"No organisation has slug '{slug}', or you may not see its action plan")
    if org is None:
        raise missing
    if not policy.can_read_action_plan(actor, org["id"], await _reviewing(actor, org["id"])):
        raise missing
    return org


async def can_read_plan(actor: Actor, organisation_id: UUID) -> bool:
    return policy.can_read_action_plan(
        actor, organisation_id, await _reviewing(actor, organisation_id)
    )


def _require_change(actor: Actor, organisation: dict[str, Any]) -> None:
    if not policy.can_change_actions(actor, organisation["id"]):
        raise Forbidden(f"Only {organisation['name']}'s own people can change its action plan")


# --- checking what was sent -------------------------------------------------------------------


def _text(value: str | None, name: str, limit: int, problems: dict[str, str], what: str) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        problems[name] = f"The {what} must be {limit:,} characters or fewer"
    return text


async def _owner(organisation: dict[str, Any], owner: str | None, problems: dict[str, str]) -> Any:
    """The owner's user id (given as an id or an email address), one of the organisation's people."""
    if owner is None or not str(owner).strip():
        return None
    wanted = str(owner).strip()
    as_id = _uuid(wanted)
    where = User.id == as_id if as_id else User.email == wanted.lower()
    row = await User.select(User.id, User.organisation, User.role, User.active).where(where).first()
    if (
        row is None
        or row["organisation"] != organisation["id"]
        or row["role"] not in {r.value for r in DEPARTMENT_ROLES}
        or not row["active"]
    ):
        problems["owner"] = f"The owner must be one of {organisation['name']}'s people"
        return None
    return row["id"]


def _due(value: Any, problems: dict[str, str]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        problems["due_on"] = "Enter the due date as a real date, like 2027-03-31"
        return None


async def _source(
    organisation: dict[str, Any],
    assessment: str | None,
    element: str | None,
    problems: dict[str, str],
) -> tuple[UUID | None, str | None]:
    """The assessment (the organisation's own) and element (of its framework) an action is on."""
    code = (element or "").strip() or None
    if code is not None and len(code) > 64:
        problems["element"] = "The element must be an element code, like LEAD.1.1"
        return None, None
    if not assessment:
        return None, code
    assessment_id = _uuid(assessment)
    row = None
    if assessment_id is not None:
        row = (
            await Assessment.select(Assessment.id, Assessment.framework_version)
            .where(
                (Assessment.id == assessment_id) & (Assessment.organisation == organisation["id"])
            )
            .first()
        )
    if row is None:
        problems["assessment"] = f"The assessment must be one of {organisation['name']}'s"
        return None, code
    if code is not None:
        _, framework = await frameworks.framework_for(row["framework_version"])
        if framework.element(code) is None:
            problems["element"] = f"{framework.title} has no element {code}"
    return row["id"], code


# --- use cases ------------------------------------------------------------------------------


async def create(
    actor: Actor,
    organisation_slug: str,
    title: str,
    due_on: Any,
    description: str | None = None,
    element: str | None = None,
    assessment: str | None = None,
    owner: str | None = None,
) -> ActionView:
    organisation = await _organisation(actor, organisation_slug)
    _require_change(actor, organisation)
    problems: dict[str, str] = {}
    title = _text(title, "title", TITLE_LIMIT, problems, "title")
    if not title:
        problems["title"] = "Enter a title for the action"
    description = _text(description, "description", TEXT_LIMIT, problems, "description")
    due = _due(due_on, problems)
    assessment_id, code = await _source(organisation, assessment, element, problems)
    owner_id = await _owner(organisation, owner, problems)
    if problems or due is None:
        raise Invalid(problems)
    now = dt.datetime.now(dt.UTC)
    async with db.transaction():
        action = PlanAction(
            organisation=organisation["id"],
            title=title,
            description=description,
            element_code=code,
            assessment=assessment_id,
            owner=owner_id,
            due_on=due,
            status="open",
            created_by=actor.id,
            created_at=now,
            updated_at=now,
        )
        await action.save()
        await ActionProgress(action=action.id, at=now, by=actor.id, status="open").save()
        await record(
            actor,
            "action.create",
            "action",
            action.id,
            after={
                "organisation": organisation["slug"],
                "title": title,
                "element": code,
                "assessment": str(assessment_id) if assessment_id else None,
                "owner": str(owner_id) if owner_id else None,
                "due_on": due.isoformat(),
            },
        )
    return await get(actor, action.id)


async def list_for(
    actor: Actor, organisation_slug: str, status: str | None = None, overdue: bool | None = None
) -> list[ActionView]:
    """The organisation's actions, overdue first, then by due date (at most LIST_LIMIT)."""
    organisation = await _organisation(actor, organisation_slug)
    if status and status not in STATUSES:
        raise Invalid({"status": f"Status must be one of: {', '.join(STATUSES)}"})
    query = PlanAction.select(*_COLUMNS).where(PlanAction.organisation == organisation["id"])
    if status:
        query = query.where(PlanAction.status == status)
    rows = await query.order_by(PlanAction.due_on).order_by(PlanAction.title).limit(LIST_LIMIT)
    views = [_view(r) for r in rows]
    if overdue is not None:
        views = [v for v in views if v.overdue == overdue]
    return sorted(views, key=lambda v: not v.overdue)  # stable: by due date within each


async def get(actor: Actor, action_id: UUID | str) -> ActionView:
    wanted = _uuid(action_id)
    row = None
    if wanted is not None:
        row = await PlanAction.select(*_COLUMNS).where(PlanAction.id == wanted).first()
    if row is None or not await can_read_plan(actor, row["organisation"]):
        raise NotFound(NOT_FOUND)
    history = (
        await ActionProgress.select(
            ActionProgress.at,
            ActionProgress.status,
            ActionProgress.progress_note,
            ActionProgress.by.name.as_alias("by_name"),
        )
        .where(ActionProgress.action == row["id"])
        .order_by(ActionProgress.at)
    )
    return _view(
        row,
        [Progress(h["at"], h["by_name"] or "", h["status"], h["progress_note"]) for h in history],
    )


UNSET: Any = object()  # owner not sent (None clears it)


async def change(
    actor: Actor,
    action_id: UUID | str,
    title: str | None = None,
    description: str | None = None,
    owner: Any = UNSET,
    due_on: Any = None,
    status: str | None = None,
    progress_note: str | None = None,
) -> ActionView:
    """Change any of the fields; a status change or progress note joins the history.
    `done` and `dropped` need a progress note; a done or dropped action no longer changes."""
    current = await get(actor, action_id)
    organisation = {
        "id": await organisation_id_of(current),
        "slug": current.organisation_slug,
        "name": current.organisation_name,
    }
    _require_change(actor, organisation)
    problems: dict[str, str] = {}
    updates: dict[Any, Any] = {}
    if title is not None:
        updates[PlanAction.title] = _text(title, "title", TITLE_LIMIT, problems, "title")
        if not updates[PlanAction.title]:
            problems["title"] = "Enter a title for the action"
    if description is not None:
        updates[PlanAction.description] = _text(
            description, "description", TEXT_LIMIT, problems, "description"
        )
    if owner is not UNSET:
        updates[PlanAction.owner] = await _owner(organisation, owner, problems)
    if due_on is not None:
        due = _due(due_on, problems)
        if due is not None:
            updates[PlanAction.due_on] = due
    note = _text(progress_note, "progress_note", TEXT_LIMIT, problems, "progress note")
    if status is not None and status not in STATUSES:
        problems["status"] = f"Status must be one of: {', '.join(STATUSES)}"
    elif status in CLOSED and status != current.status and not note:
        problems["progress_note"] = (
            f"Say what was done: marking it {label(status).lower()} needs a progress note"
        )
    if problems:
        raise Invalid(problems)
    if current.closed:
        raise Conflict(
            f"This action is {label(current.status).lower()}: it can no longer change",
            state=current.status,
        )
    new_status = status or current.status
    if new_status != current.status:
        updates[PlanAction.status] = new_status
    now = dt.datetime.now(dt.UTC)
    async with db.transaction():
        if updates:
            await PlanAction.update({**updates, PlanAction.updated_at: now}).where(
                PlanAction.id == current.id
            )
        if new_status != current.status or note:
            await ActionProgress(
                action=current.id, at=now, by=actor.id, status=new_status, progress_note=note
            ).save()
        await record(
            actor,
            "action.change",
            "action",
            current.id,
            before={"status": current.status},
            after={
                **{c._meta.name: _plain(v) for c, v in updates.items()},
                "status": new_status,
                "progress_note": note,
            },
        )
    return await get(actor, current.id)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | UUID):
        return str(value)
    return value


# --- what the pages offer ---------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """An organisation's plan as its page shows it."""

    organisation: dict[str, Any]
    actions: list[ActionView]
    can_change: bool

    @property
    def overdue(self) -> int:
        return sum(1 for a in self.actions if a.overdue)


async def plan(actor: Actor, organisation_slug: str) -> Plan:
    organisation = await _organisation(actor, organisation_slug)
    actions = await list_for(actor, organisation_slug)
    return Plan(organisation, actions, policy.can_change_actions(actor, organisation["id"]))


async def for_change(actor: Actor, organisation_slug: str) -> dict[str, Any]:
    """The organisation whose plan the actor may add to (else NotFound or Forbidden)."""
    organisation = await _organisation(actor, organisation_slug)
    _require_change(actor, organisation)
    return organisation


async def owners(organisation_id: UUID) -> list[dict[str, Any]]:
    """The organisation's active people, who may own its actions, by name."""
    return list(
        await User.select(User.id, User.name)
        .where(
            (User.organisation == organisation_id)
            & User.role.is_in([r.value for r in DEPARTMENT_ROLES])
            & User.active.eq(True)
        )
        .order_by(User.name)
        .limit(LIST_LIMIT)
    )


def can_change(actor: Actor, view: ActionView, organisation_id: UUID) -> bool:
    return policy.can_change_actions(actor, organisation_id) and not view.closed


async def organisation_id_of(view: ActionView) -> UUID:
    row = await PlanAction.select(PlanAction.organisation).where(PlanAction.id == view.id).first()
    return row["organisation"] if row else UUID(int=0)


async def overdue_count(actor: Actor) -> int | None:
    """For a department person's dashboard: how many of their organisation's actions are overdue
    (None for anyone else)."""
    if actor.role not in DEPARTMENT_ROLES or actor.organisation_id is None:
        return None
    return await PlanAction.count().where(
        (PlanAction.organisation == actor.organisation_id)
        & PlanAction.status.not_in(list(CLOSED))
        & (PlanAction.due_on < today())
    )


@dataclass(frozen=True)
class Improvement:
    code: str
    statement: str
    text: str


async def improvements(
    actor: Actor, assessment: dict[str, Any], framework: Any
) -> list[Improvement]:
    """A concluded assessment's areas for improvement, each of which its department may turn into
    an action (empty for anyone who may not add to its plan)."""
    if assessment["status"] != "concluded" or not policy.can_change_actions(
        actor, assessment["organisation"]
    ):
        return []
    rows = await Moderation.select(Moderation.element_code, Moderation.improvement).where(
        (Moderation.assessment == assessment["id"]) & (Moderation.improvement != "")
    )
    noted = {r["element_code"]: r["improvement"].strip() for r in rows if r["improvement"].strip()}
    return [
        Improvement(e.code, e.statement, noted[e.code])
        for e in framework.elements()
        if e.code in noted
    ]
