"""HTML pages for moderation: the lead assessor's queue, assigning an assessor, the assessor's
workspace and element pages, returning, completing, the certification decision and calibration."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.accounts.auth import current_actor, require_user
from app.accounts.roles import Role
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.moderation import calibration, decision, service, workspace
from app.moderation.forms import (
    AssignForm,
    DecisionForm,
    DeclarationForm,
    ModerationForm,
    ReturnForm,
)
from app.moderation.sheet import assignable, decision_view, moderation_sheet
from app.web.navigation import nav_for

NO_STORE = {"Cache-Control": "no-store"}


def _see_other(path: str) -> Redirect:
    return Redirect(path, status_code=303)


def _page(
    request: Request[Any, Any, Any], name: str, status: int = 200, **context: Any
) -> Template:
    actor = current_actor(request)
    return Template(
        f"moderation/{name}.html",
        context={"current_user": actor, "nav_items": nav_for(actor), "errors": {}, **context},
        status_code=status,
        headers=NO_STORE,
    )


def _base(assessment_id: UUID | str) -> str:
    return f"/moderation/{assessment_id}"


class ModerationPages(Controller):
    path = "/moderation"
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Redirect:
        actor = current_actor(request)
        if actor.role in (Role.LEAD_ASSESSOR, Role.ADMIN):
            return _see_other("/moderation/queue")
        if actor.role == Role.ASSESSOR:
            return _see_other("/moderation/assigned")
        raise Forbidden("Moderation is for assessors and lead assessors.")

    @get("/queue")
    async def queue(self, request: Request[Any, Any, Any], assigned: str | None = None) -> Template:
        actor = current_actor(request)
        lists = await workspace.queue(actor)
        return _page(
            request,
            "queue",
            lists=lists,
            blocked=await decision.queue_blockers(actor, lists["moderated"]),
            decided=await workspace.decided(actor),
            just_assigned=await workspace.just_assigned(actor, assigned) if assigned else None,
        )

    @get("/assigned")
    async def assigned(self, request: Request[Any, Any, Any]) -> Template:
        rows = await workspace.assigned_to(current_actor(request))
        return _page(request, "assigned", assignments=rows)

    # --- one assessment -----------------------------------------------------------------------

    @get("/{assessment_id:uuid}")
    async def overview(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template:
        return await _overview(request, assessment_id)

    @post("/{assessment_id:uuid}/declaration")
    async def declare(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        form = DeclarationForm.parse(await request.form())
        try:
            await service.declare(current_actor(request), assessment_id, form.declaration)
        except Invalid as exc:
            return await _overview(
                request, assessment_id, exc.problems, declaration=form.declaration
            )
        return _see_other(_base(assessment_id))

    @post("/{assessment_id:uuid}/complete")
    async def complete(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        try:
            await service.complete(current_actor(request), assessment_id)
        except Invalid as exc:
            return await _overview(request, assessment_id, exc.problems)
        return _see_other(_base(assessment_id))

    @get("/{assessment_id:uuid}/assign")
    async def assign_form(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template:
        return await _assign_page(request, assessment_id, AssignForm(), {})

    @post("/{assessment_id:uuid}/assign")
    async def assign(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        form = AssignForm.parse(await request.form())
        errors = form.validate()
        if not errors:
            try:
                await service.assign(
                    current_actor(request), assessment_id, form.user, form.declaration
                )
                return _see_other(f"/moderation/queue?assigned={assessment_id}")
            except Invalid as exc:
                errors = exc.problems
        return await _assign_page(request, assessment_id, form, errors, 400)

    @get("/{assessment_id:uuid}/elements/{code:str}")
    async def element(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID], code: FromPath[str]
    ) -> Template:
        return await _element_page(request, assessment_id, code, None, {})

    @post("/{assessment_id:uuid}/elements/{code:str}")
    async def moderate(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID], code: FromPath[str]
    ) -> Template | Redirect:
        posted = await request.form()
        form = ModerationForm.parse(posted)
        errors = form.validate()
        stored = None
        if not errors:
            try:
                await service.moderate(
                    current_actor(request), assessment_id, code, form.answer(), int(form.revision)
                )
                after = posted.get("next")
                base = _base(assessment_id)
                return _see_other(
                    after if isinstance(after, str) and after.startswith(base) else base
                )
            except Invalid as exc:
                errors = exc.problems
            except Conflict as exc:
                errors = {"revision": exc.message}
                stored = exc.extra.get("stored")
        return await _element_page(request, assessment_id, code, form, errors, 400, stored)

    @get("/{assessment_id:uuid}/return")
    async def return_form(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template:
        return await _return_page(request, assessment_id, ReturnForm(), {})

    @post("/{assessment_id:uuid}/return")
    async def return_assessment(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        form = ReturnForm.parse(await request.form())
        try:
            await service.return_to_department(
                current_actor(request), assessment_id, form.reason, form.elements
            )
        except Invalid as exc:
            return await _return_page(request, assessment_id, form, exc.problems, 400)
        return _see_other(_base(assessment_id))

    @get("/{assessment_id:uuid}/decision")
    async def decision_form(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template:
        return await _decision_page(request, assessment_id, DecisionForm(), {})

    @post("/{assessment_id:uuid}/decision")
    async def decide(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        form = DecisionForm.parse(await request.form())
        errors = form.validate()
        if not errors:
            try:
                await decision.decide(
                    current_actor(request),
                    assessment_id,
                    form.outcome,
                    form.note,
                    request.app.state.settings,
                )
                return _see_other(f"{_base(assessment_id)}/decision")
            except Invalid as exc:
                errors = exc.problems
        return await _decision_page(request, assessment_id, form, errors, 400)

    @get("/{assessment_id:uuid}/calibration")
    async def assessment_calibration(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template:
        data = await calibration.for_assessment(current_actor(request), assessment_id)
        return _page(request, "calibration_assessment", data=data)


class CalibrationPages(Controller):
    path = "/calibration"
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        rows = await calibration.frameworks_with_samples(current_actor(request))
        return _page(request, "calibration_index", frameworks_list=rows)

    @get("/{slug:str}")
    async def framework(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Template:
        data = await calibration.for_framework(current_actor(request), slug)
        return _page(request, "calibration_framework", data=data)


async def _overview(
    request: Request[Any, Any, Any],
    assessment_id: UUID,
    errors: dict[str, str] | None = None,
    declaration: str = "",
) -> Template:
    sheet = await moderation_sheet(current_actor(request), assessment_id)
    return _page(
        request,
        "overview",
        400 if errors else 200,
        sheet=sheet,
        base=_base(assessment_id),
        errors=errors or {},
        declaration=declaration,
    )


async def _assign_page(
    request: Request[Any, Any, Any],
    assessment_id: UUID,
    form: AssignForm,
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    data = await assignable(current_actor(request), assessment_id)
    return _page(request, "assign", status, data=data, form=form, errors=errors)


async def _element_page(
    request: Request[Any, Any, Any],
    assessment_id: UUID,
    code: str,
    form: ModerationForm | None,
    errors: dict[str, str],
    status: int = 200,
    stored: dict[str, Any] | None = None,
) -> Template:
    sheet = await moderation_sheet(current_actor(request), assessment_id)
    elements = [e for theme in sheet["themes"] for e in theme["elements"]]
    index = next((i for i, e in enumerate(elements) if e["code"] == code), None)
    if index is None:
        raise NotFound(f"The framework of this assessment has no element {code}")
    element = elements[index]
    if stored is not None:
        form = (
            ModerationForm(**{**vars(form), "revision": str(stored["revision"])}) if form else None
        )
    base = _base(assessment_id)
    following = elements[index + 1]["code"] if index + 1 < len(elements) else None
    return _page(
        request,
        "element",
        status,
        sheet=sheet,
        element=element,
        form=form or ModerationForm.of(element["moderated"], element["revision"]),
        errors=errors,
        stored=stored,
        base=base,
        position=index + 1,
        previous=elements[index - 1]["code"] if index > 0 else None,
        following=following,
        next_url=f"{base}/elements/{following}" if following else base,
        editable=sheet["assigned_to_me"] and sheet["status"] == "in_review",
    )


async def _return_page(
    request: Request[Any, Any, Any],
    assessment_id: UUID,
    form: ReturnForm,
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    sheet = await moderation_sheet(current_actor(request), assessment_id)
    return _page(
        request, "return", status, sheet=sheet, form=form, errors=errors, base=_base(assessment_id)
    )


async def _decision_page(
    request: Request[Any, Any, Any],
    assessment_id: UUID,
    form: DecisionForm,
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    view = await decision_view(current_actor(request), assessment_id)
    return _page(
        request, "decision", status, view=view, form=form, errors=errors, base=_base(assessment_id)
    )
