"""HTML pages of appeals: lodging one from the assessment, the open appeals, deciding one."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.accounts.auth import current_actor, require_user
from app.appeals import service
from app.assessments import service as assessments
from app.errors import Conflict, Forbidden, Invalid
from app.moderation.access import load


def _page(
    request: Request[Any, Any, Any], name: str, status: int = 200, **context: Any
) -> Template:
    return Template(
        f"appeals/{name}.html",
        context={"current_user": current_actor(request), "errors": {}, **context},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


class AppealPages(Controller):
    guards = [require_user]
    include_in_schema = False

    @get("/assessments/{assessment_id:uuid}/appeal")
    async def lodge_form(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        view = await assessments.get(current_actor(request), assessment_id)
        if not await service.may_lodge(current_actor(request), view.row):
            return Redirect(f"/assessments/{view.id}", status_code=303)
        return _page(request, "lodge", view=view, grounds="")

    @post("/assessments/{assessment_id:uuid}/appeal")
    async def lodge(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        actor = current_actor(request)
        grounds = str((await request.form()).get("grounds") or "")
        try:
            await service.lodge(actor, assessment_id, grounds)
        except (Invalid, Conflict) as exc:
            view = await assessments.get(actor, assessment_id)
            errors = dict(exc.problems) if isinstance(exc, Invalid) else {"grounds": exc.message}
            return _page(request, "lodge", 400, view=view, grounds=grounds, errors=errors)
        return Redirect(f"/assessments/{assessment_id}", status_code=303)

    @get("/appeals")
    async def open_appeals(self, request: Request[Any, Any, Any]) -> Template:
        return _page(request, "index", appeals=await service.open_appeals(current_actor(request)))

    @get("/appeals/{appeal_id:uuid}")
    async def show(self, request: Request[Any, Any, Any], appeal_id: FromPath[UUID]) -> Template:
        return await self._show(request, appeal_id, "", "", {})

    async def _show(
        self,
        request: Request[Any, Any, Any],
        appeal_id: UUID,
        outcome: str,
        note: str,
        errors: dict[str, str],
        status: int = 200,
    ) -> Template:
        actor = current_actor(request)
        appeal = await service.get(actor, appeal_id)
        loaded = await load(actor, appeal.assessment)
        blocker = None
        if appeal.status == "open" and actor.role.value == "lead_assessor":
            blocker = await service.decide_blocker(actor, appeal, loaded.assessment)
        view = await assessments.get(actor, appeal.assessment)
        return _page(
            request,
            "show",
            status,
            appeal=appeal,
            view=view,
            can_decide=appeal.status == "open"
            and actor.role.value == "lead_assessor"
            and blocker is None,
            blocker=blocker,
            outcome=outcome,
            note=note,
            errors=errors,
        )

    @post("/appeals/{appeal_id:uuid}/decide")
    async def decide(
        self, request: Request[Any, Any, Any], appeal_id: FromPath[UUID]
    ) -> Template | Redirect:
        form = await request.form()
        outcome = str(form.get("outcome") or "")
        note = str(form.get("note") or "")
        try:
            await service.decide(current_actor(request), appeal_id, outcome, note)
        except Invalid as exc:
            return await self._show(request, appeal_id, outcome, note, dict(exc.problems), 400)
        except (Conflict, Forbidden) as exc:
            return await self._show(
                request, appeal_id, outcome, note, {"outcome": exc.message}, exc.status_code
            )
        return Redirect(f"/appeals/{appeal_id}", status_code=303)
