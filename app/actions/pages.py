"""HTML pages of action plans: the plan, a new action, and an action with its history."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.accounts.auth import current_actor, require_user
from app.actions import service
from app.actions.forms import ActionForm, ProgressForm
from app.errors import Conflict, Invalid


def _page(
    request: Request[Any, Any, Any], name: str, status: int = 200, **context: Any
) -> Template:
    return Template(
        f"actions/{name}.html",
        context={
            "current_user": current_actor(request),
            "errors": {},
            "label": service.label,
            **context,
        },
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


class ActionPages(Controller):
    guards = [require_user]
    include_in_schema = False

    @get("/organisations/{slug:str}/actions")
    async def plan(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Template:
        found = await service.plan(current_actor(request), slug)
        return _page(request, "plan", plan=found, today=service.today())

    @get("/organisations/{slug:str}/actions/new")
    async def new(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        assessment: FromQuery[str | None] = None,
        element: FromQuery[str | None] = None,
    ) -> Template:
        form = ActionForm(assessment=assessment or "", element=element or "")
        return await self._new(request, slug, form, {})

    async def _new(
        self,
        request: Request[Any, Any, Any],
        slug: str,
        form: ActionForm,
        errors: dict[str, str],
        status: int = 200,
    ) -> Template:
        organisation = await service.for_change(current_actor(request), slug)
        return _page(
            request,
            "new",
            status,
            organisation=organisation,
            form=form,
            errors=errors,
            owners=await service.owners(organisation["id"]),
        )

    @post("/organisations/{slug:str}/actions")
    async def create(
        self, request: Request[Any, Any, Any], slug: FromPath[str]
    ) -> Template | Redirect:
        form = ActionForm.parse(await request.form())
        errors = form.validate()
        if errors:
            return await self._new(request, slug, form, errors, 400)
        try:
            view = await service.create(
                current_actor(request),
                slug,
                title=form.title,
                due_on=form.due_on(),
                description=form.description,
                element=form.element or None,
                assessment=form.assessment or None,
                owner=form.owner or None,
            )
        except Invalid as exc:
            return await self._new(request, slug, form, form.errors_from(exc.problems), 400)
        return Redirect(f"/actions/{view.id}?created=1", status_code=303)

    @get("/actions/{action_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        action_id: FromPath[UUID],
        created: FromQuery[str | None] = None,
        changed: FromQuery[str | None] = None,
    ) -> Template:
        return await self._show(request, action_id, ProgressForm(), {}, banner=created or changed)

    async def _show(
        self,
        request: Request[Any, Any, Any],
        action_id: UUID,
        form: ProgressForm,
        errors: dict[str, str],
        status: int = 200,
        banner: str | None = None,
    ) -> Template:
        actor = current_actor(request)
        view = await service.get(actor, action_id)
        organisation_id = await service.organisation_id_of(view)
        return _page(
            request,
            "show",
            status,
            action=view,
            form=form if form.status else ProgressForm(status=view.status),
            errors=errors,
            can_change=service.can_change(actor, view, organisation_id),
            banner=banner,
            statuses=service.STATUSES,
        )

    @post("/actions/{action_id:uuid}")
    async def progress(
        self, request: Request[Any, Any, Any], action_id: FromPath[UUID]
    ) -> Template | Redirect:
        form = ProgressForm.parse(await request.form())
        errors = form.validate()
        if errors:
            return await self._show(request, action_id, form, errors, 400)
        try:
            await service.change(
                current_actor(request),
                action_id,
                status=form.status,
                progress_note=form.progress_note,
            )
        except Invalid as exc:
            return await self._show(request, action_id, form, dict(exc.problems), 400)
        except Conflict as exc:
            return await self._show(request, action_id, form, {"status": exc.message}, 409)
        return Redirect(f"/actions/{action_id}?changed=1", status_code=303)
