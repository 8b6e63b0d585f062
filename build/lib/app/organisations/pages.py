"""Administrators' pages for organisations: the list, and a form to add one."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from app.accounts import policy
from app.accounts.auth import current_actor, require_user
from app.errors import Forbidden, Invalid
from app.organisations import service
from app.organisations.forms import OrganisationForm
from app.organisations.kinds import KINDS


def _require_admin(request: Request[Any, Any, Any]) -> None:
    if not policy.may_manage_organisations(current_actor(request)):
        raise Forbidden("Only an administrator can manage organisations")


class OrganisationAdminPages(Controller):
    path = "/admin/organisations"
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        _require_admin(request)
        return Template(
            "organisations/list.html",
            context={
                "organisations": await service.list_all(),
                "kinds": KINDS,
                "current_user": current_actor(request),
            },
        )

    @get("/new")
    async def new(self, request: Request[Any, Any, Any]) -> Template:
        _require_admin(request)
        return await _form_page(request, OrganisationForm(), {})

    @post("/")
    async def create(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = OrganisationForm.parse(await request.form())
        try:
            await service.create(
                current_actor(request), form.slug, form.name, form.kind, form.parent or None
            )
        except Invalid as exc:
            return await _form_page(request, form, exc.problems, 400)
        return Redirect("/admin/organisations", status_code=303)


async def _form_page(
    request: Request[Any, Any, Any],
    form: OrganisationForm,
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    return Template(
        "organisations/new.html",
        context={
            "form": form,
            "errors": errors,
            "kinds": KINDS,
            "organisations": await service.list_all(),
            "current_user": current_actor(request),
        },
        status_code=status,
    )
