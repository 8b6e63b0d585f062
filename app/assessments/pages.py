"""HTML pages of the department journey: dashboard, start, task list, element, check, submit."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router

from app import search
from app.accounts import policy
from app.accounts.actor import Actor
from app.accounts.auth import current_actor, require_user
from app.accounts.roles import Role
from app.actions import service as actions
from app.appeals import service as appeals
from app.assessments import answers, lifecycle, outcomes, service, views, withdrawal
from app.assessments.evidence_choices import evidence_choices
from app.assessments.forms import ElementForm
from app.assessments.views import AssessmentView
from app.certificates import service as certificates
from app.errors import Conflict, Invalid, NotFound

PER_PAGE = 25
STATIC = Path(__file__).resolve().parent / "static"
EVIDENCE_UPLOAD = "/evidence/upload"

# The autosave script lives with the pages it enhances; the shared asset build copies app/web only.
static_router = create_static_files_router(
    path="/assets/assessments",
    directories=[STATIC],
    include_in_schema=False,
    name="assessment_assets",
)


def _see_other(path: str) -> Redirect:
    return Redirect(path, status_code=303)


def _page(
    request: Request[Any, Any, Any], name: str, status: int = 200, **context: Any
) -> Template:
    actor = current_actor(request)
    return Template(
        f"assessments/{name}.html",
        context={"current_user": actor, "errors": {}, **context},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def _base(view: AssessmentView) -> str:
    return f"/assessments/{view.id}"


def _can_edit(actor: Actor, view: AssessmentView) -> bool:
    return lifecycle.is_editable(view.status) and policy.can_edit_responses(actor, view.row)


def _themes(view: AssessmentView) -> list[dict[str, Any]]:
    """Each theme with its elements' states, for the task list and check-your-answers pages."""
    revisit = (
        set(view.row["return_elements"] or [])
        if view.status == lifecycle.Status.RETURNED
        else set()
    )
    states = view.states
    return [
        {
            "theme": theme,
            "elements": [
                {
                    "element": element,
                    "state": states[element.code],
                    "response": view.response(element.code),
                    "revisit": element.code in revisit,
                }
                for criterion in theme.criteria
                for element in criterion.elements
            ],
        }
        for theme in view.framework.themes
    ]


def _neighbours(view: AssessmentView, code: str) -> tuple[str | None, str | None, int]:
    codes = [e.code for e in view.framework.elements()]
    index = codes.index(code)
    previous = codes[index - 1] if index > 0 else None
    following = codes[index + 1] if index + 1 < len(codes) else None
    return previous, following, index + 1


class AssessmentPages(Controller):
    path = "/assessments"
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def dashboard(
        self, request: Request[Any, Any, Any], page: FromQuery[int] = 1
    ) -> Template:
        actor = current_actor(request)
        page = max(1, page)
        found = await service.list_for(actor, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
        pagination: dict[str, Any] = {}
        if page > 1:
            pagination["previous"] = {"href": f"/assessments?page={page - 1}"}
        if len(found) > PER_PAGE:
            pagination["next"] = {"href": f"/assessments?page={page + 1}"}
        organisation = await views.organisation_of(actor)
        own = organisation["id"] if organisation and actor.is_department else None
        choice = await outcomes.start_choice(actor)
        return _page(
            request,
            "dashboard",
            show_org=any(v.organisation["id"] != own for v in found),
            views=found[:PER_PAGE],
            pagination=pagination or None,
            organisation=organisation,
            can_start=bool(choice.versions),
            standings=await outcomes.standings(actor) if page == 1 else [],
            review_due_items=await certificates.reviews_due(actor) if own else None,
            overdue_actions=await actions.overdue_count(actor) if own else None,
            can_submit=actor.role == Role.DEPT_LEAD,
            label=lifecycle.label,
        )

    @get("/start")
    async def start_form(
        self, request: Request[Any, Any, Any], framework: FromQuery[str | None] = None
    ) -> Template:
        return await self._start_page(request, "", {}, wanted=framework)

    @post("/start")
    async def start(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        actor = current_actor(request)
        chosen = str((await request.form()).get("framework") or "")
        versions = {str(v["id"]): v for v in (await outcomes.start_choice(actor)).versions}
        if chosen not in versions:
            return await self._start_page(request, chosen, {"framework": "Choose a framework"}, 400)
        version = versions[chosen]
        try:
            view = await service.start(
                actor, actor.organisation_id or "", version["slug"], version["version"]
            )
        except (Invalid, Conflict) as exc:
            message = next(iter(exc.problems.values())) if isinstance(exc, Invalid) else exc.message
            return await self._start_page(request, chosen, {"framework": message}, exc.status_code)
        return _see_other(_base(view))

    async def _start_page(
        self,
        request: Request[Any, Any, Any],
        chosen: str,
        errors: dict[str, str],
        status: int = 200,
        wanted: str | None = None,
    ) -> Template:
        actor = current_actor(request)
        organisation = await views.organisation_of(actor)
        if organisation is None or not policy.can_start_assessment(actor, organisation["id"]):
            raise NotFound("Only a department lead can start an assessment")
        choice = await outcomes.start_choice(actor)
        if not chosen and not errors:
            # The latest version of the framework the person asked for (a framework's link on
            # the dashboard) or of the only one there is: never the one that happens to sort first.
            latest = [v for v in choice.versions if v["latest"]]
            asked = [v for v in latest if v["slug"] == wanted or len(latest) == 1]
            if asked:
                chosen = str(asked[0]["id"])
        return _page(
            request,
            "start",
            status,
            versions=choice.versions,
            open_assessments=choice.open,
            chosen=chosen,
            errors=errors,
            organisation=organisation,
            label=lifecycle.label,
        )

    @get("/{assessment_id:uuid}")
    async def task_list(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template:
        actor = current_actor(request)
        view = await service.get(actor, assessment_id)
        return _page(
            request,
            "task_list",
            view=view,
            themes=_themes(view),
            base=_base(view),
            can_edit=_can_edit(actor, view),
            outcome=await outcomes.outcome_of(view),
            # A publisher reads results, not the decision page (which would refuse them).
            reads_decision=actor.role != Role.PUBLISHER,
            label=lifecycle.label,
            can_withdraw=withdrawal.can_withdraw(actor, view),
            withdrawn=await withdrawal.withdrawal_of(view),
            improvements=await actions.improvements(actor, view.row, view.framework),
            appeals=await appeals.of_assessment(actor, view.row),
            can_appeal=await appeals.may_lodge(actor, view.row),
            appeal_closes=appeals.window_closes(view.row["concluded_at"]),
        )

    @get("/{assessment_id:uuid}/elements/{code:str}")
    async def element_page(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID], code: FromPath[str]
    ) -> Template:
        view = await service.get_element(current_actor(request), assessment_id, code)
        return await self._element(request, view, code, ElementForm.of(view.response(code)), {})

    @post("/{assessment_id:uuid}/elements/{code:str}")
    async def save_element(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID], code: FromPath[str]
    ) -> Template | Redirect:
        actor = current_actor(request)
        raw = await request.form()
        form = ElementForm.parse(raw)
        view = await service.get(actor, assessment_id)
        if raw.get("action") == "find":
            # Only look the library up: the page comes back with everything as it was typed.
            find = str(raw.get("evidence_search") or "")
            return await self._element(request, view, code, form, {}, find=find, found=True)
        errors = form.validate()
        element = view.framework.element(code)
        if errors and element is not None and not {"score", "revision"} & set(errors):
            # Say everything that is wrong at once, the service's rules as well as the form's.
            answer = form.answer()
            rules = answers.validate_answer(
                view.framework,
                element,
                answer["score"],
                answer["not_applicable"],
                answer["narrative"],
            )
            errors = {**form.errors_from(rules), **errors}
        if errors:
            return await self._element(request, view, code, form, form.in_page_order(errors), 400)
        try:
            await service.save_response(actor, view.id, code, **form.answer())
        except service.StaleRevision as exc:
            if not form.same_answer_as(exc.stored):
                return await self._conflict(request, view, code, form, exc)
        except Invalid as exc:
            return await self._element(
                request, view, code, form, form.errors_from(exc.problems), 400
            )
        if raw.get("action") == "upload":
            back = f"{_base(view)}/elements/{code}"
            return _see_other(f"{EVIDENCE_UPLOAD}?{urlencode({'return_to': back})}")
        _, following, _ = _neighbours(view, code)
        return _see_other(f"{_base(view)}/elements/{following}" if following else _base(view))

    async def _element(
        self,
        request: Request[Any, Any, Any],
        view: AssessmentView,
        code: str,
        form: ElementForm,
        errors: dict[str, str],
        status: int = 200,
        find: str = "",
        found: bool = False,
    ) -> Template:
        actor = current_actor(request)
        element = view.framework.element(code)
        if element is None:
            raise NotFound(f"{view.framework.title} has no element {code}")
        previous, following, position = _neighbours(view, code)
        problem = search.problem_with(find)  # shown beside the box, with the whole library
        if problem:
            errors, status, found = {**errors, "evidence_search": problem}, 400, False
        choices = await evidence_choices(actor, view, form.evidence, "" if problem else find)
        return _page(
            request,
            "element",
            status,
            view=view,
            element=element,
            form=form,
            errors=errors,
            theme=view.framework.theme_of(code),
            base=_base(view),
            previous=previous,
            following=following,
            position=position,
            evidence=choices,
            evidence_search=find,
            found=found,
            response=view.response(code),
            can_edit=_can_edit(actor, view),
            upload_url=EVIDENCE_UPLOAD,
        )

    async def _conflict(
        self,
        request: Request[Any, Any, Any],
        view: AssessmentView,
        code: str,
        form: ElementForm,
        exc: service.StaleRevision,
    ) -> Template:
        actor = current_actor(request)
        wanted = [*form.evidence, *(str(e) for e in exc.stored.evidence)]
        titles = {
            str(e["id"]): e["title"] for e in (await evidence_choices(actor, view, wanted)).items
        }
        return _page(
            request,
            "conflict",
            409,
            view=view,
            element=view.framework.element(code),
            form=form,
            stored=exc.stored,
            stored_form=ElementForm.of(exc.stored),
            titles=titles,
            base=_base(view),
        )

    @get("/{assessment_id:uuid}/check")
    async def check_answers(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template:
        view = await service.get(current_actor(request), assessment_id)
        return self._check(request, view, {})

    def _check(
        self,
        request: Request[Any, Any, Any],
        view: AssessmentView,
        errors: dict[str, str],
        status: int = 200,
    ) -> Template:
        actor = current_actor(request)
        return _page(
            request,
            "check",
            status,
            view=view,
            themes=_themes(view),
            base=_base(view),
            incomplete=view.incomplete(),
            errors=errors,
            can_edit=_can_edit(actor, view),
            can_submit=policy.can_submit_assessment(actor, view.row),
            submittable=lifecycle.Action.SUBMIT in lifecycle.allowed_from(view.status),
        )

    @post("/{assessment_id:uuid}/submit")
    async def submit(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        actor = current_actor(request)
        try:
            view = await service.submit(actor, assessment_id)
        except Invalid as exc:
            view = await service.get(actor, assessment_id)
            return self._check(request, view, dict(exc.problems), 400)
        return _see_other(f"{_base(view)}/submitted")

    @get("/{assessment_id:uuid}/submitted")
    async def submitted(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        view = await service.get(current_actor(request), assessment_id)
        if view.status != lifecycle.Status.SUBMITTED:
            return _see_other(_base(view))
        return _page(request, "submitted", view=view, base=_base(view))

    @get("/{assessment_id:uuid}/withdraw")
    async def withdraw_form(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        view = await service.get(current_actor(request), assessment_id)
        if not withdrawal.can_withdraw(current_actor(request), view):
            return _see_other(_base(view))
        return _page(request, "withdraw", view=view, base=_base(view), reason="")

    @post("/{assessment_id:uuid}/withdraw")
    async def withdraw(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        actor = current_actor(request)
        reason = str((await request.form()).get("reason") or "")
        try:
            view = await withdrawal.withdraw(actor, assessment_id, reason)
        except Invalid as exc:
            view = await service.get(actor, assessment_id)
            return _page(
                request,
                "withdraw",
                400,
                view=view,
                base=_base(view),
                reason=reason,
                errors=dict(exc.problems),
            )
        return _see_other(_base(view))
