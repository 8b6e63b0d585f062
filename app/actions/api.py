"""JSON API for action plans (contract.md § Action plans)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from app.accounts.auth import current_actor, require_user
from app.actions import service


class ActionBody(msgspec.Struct):
    title: str
    due_on: str  # ISO date
    description: str | None = None
    element: str | None = None  # element code
    assessment: str | None = None  # the assessment id it comes from
    owner: str | None = None  # a user id or email address of the organisation


class ActionChangeBody(msgspec.Struct):
    title: str | None = None
    description: str | None = None
    owner: str | msgspec.UnsetType | None = msgspec.UNSET
    due_on: str | None = None
    status: str | None = None  # open, in_progress, done, dropped
    progress_note: str | None = None  # needed for done and dropped


class OrganisationActionsController(Controller):
    path = "/api/v1/organisations/{slug:str}/actions"
    tags = ["actions"]
    guards = [require_user]

    @post("/", status_code=201)
    async def create(
        self, request: Request[Any, Any, Any], slug: FromPath[str], data: JSONBody[ActionBody]
    ) -> dict[str, Any]:
        """Add an action to the organisation's plan (its department lead or contributors)."""
        view = await service.create(
            current_actor(request),
            slug,
            title=data.title,
            due_on=data.due_on,
            description=data.description,
            element=data.element,
            assessment=data.assessment,
            owner=data.owner,
        )
        return view.as_dict()

    @get("/")
    async def list_actions(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        status: FromQuery[str | None] = None,
        overdue: FromQuery[bool | None] = None,
    ) -> list[dict[str, Any]]:
        """The organisation's action plan, overdue first, then by due date."""
        views = await service.list_for(current_actor(request), slug, status, overdue)
        return [v.as_dict() for v in views]


class ActionsController(Controller):
    path = "/api/v1/actions"
    tags = ["actions"]
    guards = [require_user]

    @get("/{action_id:uuid}")
    async def show(
        self, request: Request[Any, Any, Any], action_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """One action with its history of status changes and progress notes."""
        return (await service.get(current_actor(request), action_id)).as_dict()

    @patch("/{action_id:uuid}")
    async def change(
        self,
        request: Request[Any, Any, Any],
        action_id: FromPath[UUID],
        data: JSONBody[ActionChangeBody],
    ) -> dict[str, Any]:
        """Change an action; `done` and `dropped` need a `progress_note`."""
        owner: Any = service.UNSET if data.owner is msgspec.UNSET else data.owner
        view = await service.change(
            current_actor(request),
            action_id,
            title=data.title,
            description=data.description,
            owner=owner,
            due_on=data.due_on,
            status=data.status,
            progress_note=data.progress_note,
        )
        return view.as_dict()
