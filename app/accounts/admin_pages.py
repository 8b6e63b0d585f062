"""Administrators' pages for people: list, create with a first password, change role, deactivate."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app import search
from app.accounts import browser_sessions, policy, service, two_factor
from app.accounts.auth import current_actor, require_user
from app.accounts.forms import RoleForm, UserForm
from app.accounts.password_rules import MIN_LENGTH
from app.accounts.roles import ROLE_LABELS, Role
from app.audit.pagination import pagination
from app.errors import Forbidden, Invalid
from app.organisations import service as organisations

ROLE_HINTS = {
    Role.ADMIN: "Manages users, organisations and frameworks; reads everything",
    Role.PUBLISHER: "Publishes and revises league tables; reads concluded results",
    Role.LEAD_ASSESSOR: "Assigns assessors, makes certification decisions, revokes certificates",
    Role.ASSESSOR: "Reads and moderates only the assessments assigned to them",
    Role.DEPT_LEAD: "Starts, edits and submits their organisation's assessments",
    Role.DEPT_CONTRIBUTOR: "Answers and uploads evidence for their organisation; cannot submit",
}


def _see_other(path: str) -> Redirect:
    return Redirect(path, status_code=303)


async def _choices() -> dict[str, Any]:
    """What the role and organisation questions offer."""
    return {
        "roles": [{"value": r.value, "text": ROLE_LABELS[r], "hint": ROLE_HINTS[r]} for r in Role],
        "organisations": await organisations.list_all(),
    }


class UserAdminPages(Controller):
    path = "/admin/users"
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def index(
        self, request: Request[Any, Any, Any], page: int = 1, q: str = "", organisation: str = ""
    ) -> Template:
        """?organisation=SLUG: only that organisation's people (a link from its page)."""
        actor = current_actor(request)
        error = search.problem_with(q)  # shown beside the box, with everyone listed
        errors = {"q": error} if error else {}
        rows, total = await service.list_users(
            actor, page, search_text=None if error else q, organisation=organisation or None
        )
        searched = "" if error else " ".join(search.words_of(q))
        kept = {"q": searched, "organisation": organisation}
        return Template(
            "accounts/users.html",
            context={
                "users": rows,
                "role_labels": ROLE_LABELS,
                "pagination": pagination(page, service.PER_PAGE, total, "/admin/users", kept),
                "organisation": await organisations.get(organisation) if organisation else None,
                "total": total,
                "search": q if errors else searched,
                "searched": searched,
                "errors": errors,
                "current_user": actor,
            },
            status_code=400 if errors else 200,
        )

    @get("/new")
    async def new(self, request: Request[Any, Any, Any]) -> Template:
        actor = current_actor(request)
        if not policy.may_manage_users(actor):
            raise Forbidden("Only an administrator can create users")
        return await _new_user_page(request, UserForm(), {})

    @post("/")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = UserForm.parse(await request.form())
        errors = form.validate()
        if not errors:
            try:
                user = await service.create_user(
                    current_actor(request),
                    form.email,
                    form.name,
                    form.role,
                    form.password,
                    form.organisation or None,
                    temporary_password=True,
                )
            except Invalid as exc:
                errors = exc.problems
            else:
                return _see_other(f"/admin/users/{user['id']}")
        return await _new_user_page(request, form, errors, 400)

    @get("/{user_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        password: str = "",
        sessions: str = "",
        details: str = "",
        reset: str = "",
    ) -> Template:
        # ?password=set after a new password was given, ?sessions=ended after their sessions
        # were ended, ?details=saved after a new name or email: a banner says so.
        return await _user_page(
            request,
            user_id,
            None,
            {},
            password_set=password == "set",  # noqa: S105
            sessions_ended=sessions == "ended",
            details_saved=details == "saved",
            two_factor_reset=reset == "two-factor",
        )

    @post("/{user_id:uuid}/details")
    async def change_details(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> Template | Redirect:
        form = await request.form()
        sent = {k: v if isinstance(v := form.get(k), str) else "" for k in ("email", "name")}
        try:
            await service.change_details(
                current_actor(request), user_id, sent["email"], sent["name"]
            )
        except Invalid as exc:
            return await _user_page(request, user_id, None, exc.problems, 400, details=sent)
        return _see_other(f"/admin/users/{user_id}?details=saved")

    @post("/{user_id:uuid}/role")
    async def change_role(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> Template | Redirect:
        form = RoleForm.parse(await request.form())
        errors = form.validate()
        if not errors:
            try:
                await service.change_role(
                    current_actor(request), user_id, form.role, form.organisation or None
                )
            except Invalid as exc:
                errors = exc.problems
            else:
                return _see_other(f"/admin/users/{user_id}")
        return await _user_page(request, user_id, form, errors, 400)

    @post("/{user_id:uuid}/password")
    async def set_password(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> Template | Redirect:
        form = await request.form()
        password = form.get("password")
        try:
            await service.set_password(
                current_actor(request), user_id, password if isinstance(password, str) else ""
            )
        except Invalid as exc:
            return await _user_page(request, user_id, None, exc.problems, 400)
        return _see_other(f"/admin/users/{user_id}?password=set")

    @post("/{user_id:uuid}/sessions/end")
    async def end_sessions(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> Redirect:
        await service.end_sessions(current_actor(request), user_id)
        return _see_other(f"/admin/users/{user_id}?sessions=ended")

    @post("/{user_id:uuid}/two-factor/reset")
    async def reset_two_factor(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> Redirect:
        await two_factor.reset(current_actor(request), user_id)
        return _see_other(f"/admin/users/{user_id}?reset=two-factor")

    @post("/{user_id:uuid}/deactivate")
    async def deactivate(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> Redirect:
        await service.set_active(current_actor(request), user_id, False)
        return _see_other(f"/admin/users/{user_id}")

    @post("/{user_id:uuid}/reactivate")
    async def reactivate(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> Redirect:
        await service.set_active(current_actor(request), user_id, True)
        return _see_other(f"/admin/users/{user_id}")


async def _new_user_page(
    request: Request[Any, Any, Any], form: UserForm, errors: dict[str, str], status: int = 200
) -> Template:
    return Template(
        "accounts/user_new.html",
        context={
            "form": form,
            "errors": errors,
            "min_length": MIN_LENGTH,
            "current_user": current_actor(request),
            **await _choices(),
        },
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


async def _user_page(
    request: Request[Any, Any, Any],
    user_id: UUID,
    form: RoleForm | None,
    errors: dict[str, str],
    status: int = 200,
    password_set: bool = False,
    sessions_ended: bool = False,
    details_saved: bool = False,
    details: dict[str, str] | None = None,
    two_factor_reset: bool = False,
) -> Template:
    """`form`: the role form as it was sent, or None for the user's current role; `details`:
    the name and email as sent, or None for the user's own."""
    actor = current_actor(request)
    user = await service.get_user(actor, user_id)
    if form is None:
        form = RoleForm(user["role"], user["organisation_slug"] or "")
    return Template(
        "accounts/user.html",
        context={
            "person": user,
            "form": form,
            "errors": errors,
            "role_labels": ROLE_LABELS,
            "tokens": await service.list_tokens(actor, user_id),
            "browsers": await browser_sessions.sessions_for_admin(
                actor,
                user_id,
                browser_sessions.this_session_id(request),
                request.app.state.settings,
            ),
            "is_self": user["id"] == actor.id,
            "password_set": password_set,
            "sessions_ended": sessions_ended,
            "details_saved": details_saved,
            "two_factor_reset": two_factor_reset,
            "details": details or {"email": user["email"], "name": user["name"]},
            "min_length": MIN_LENGTH,
            "current_user": actor,
            **await _choices(),
        },
        status_code=status,
    )
