"""Administrators' pages for organisations: the list (with a search), a form to add one, and
each one's page to change its name, kind or parent."""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app import search
from app.accounts import policy
from app.accounts import service as accounts
from app.accounts.auth import current_actor, require_user
from app.audit.pagination import page_count, pagination
from app.errors import Forbidden, Invalid, NotFound
from app.organisations import service
from app.organisations.forms import OrganisationForm
from app.organisations.kinds import KINDS

LISTED = 1000  # in the forms' list of organisations to be part of
PER_PAGE = 100  # on the list of organisations


def _require_admin(request: Request[Any, Any, Any]) -> None:
    if not policy.may_manage_organisations(current_actor(request)):
        raise Forbidden("Only an administrator can manage organisations")


class OrganisationAdminPages(Controller):
    path = "/admin/organisations"
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def index(
        self, request: Request[Any, Any, Any], page: int = 1, q: str = "", changed: str = ""
    ) -> Template:
        """?changed=SLUG after a change: a banner says so."""
        _require_admin(request)
        error = search.problem_with(q)  # shown beside the box, with every organisation listed
        searched = "" if error else " ".join(search.words_of(q))
        total = await service.count(searched or None)
        page = min(max(page, 1), max(page_count(total, PER_PAGE), 1))
        organisations = await service.list_all(PER_PAGE, searched or None, (page - 1) * PER_PAGE)
        return Template(
            "organisations/list.html",
            context={
                "organisations": organisations,
                "total": total,
                "pagination": pagination(
                    page, PER_PAGE, total, "/admin/organisations", {"q": searched}
                ),
                "search": q if error else searched,
                "searched": searched,
                "errors": {"q": error} if error else {},
                "changed": await _changed(changed),
                "kinds": KINDS,
                "current_user": current_actor(request),
            },
            status_code=400 if error else 200,
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

    @get("/{slug:str}")
    async def show(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Template:
        _require_admin(request)
        org = await service.get(slug)
        form = OrganisationForm(org["slug"], org["name"], org["kind"], org["parent"] or "")
        return await _change_page(request, org, form, {})

    @post("/{slug:str}")
    async def change(
        self, request: Request[Any, Any, Any], slug: FromPath[str]
    ) -> Template | Redirect:
        _require_admin(request)
        form = OrganisationForm.parse(await request.form())
        try:
            await service.change(current_actor(request), slug, form.name, form.kind, form.parent)
        except Invalid as exc:
            return await _change_page(request, await service.get(slug), form, exc.problems, 400)
        return Redirect(f"/admin/organisations?changed={slug}", status_code=303)


async def _changed(slug: str) -> dict[str, Any] | None:
    if not slug:
        return None
    try:
        return await service.get(slug)
    except NotFound:
        return None


async def _parents(chosen: str, but: str = "") -> tuple[list[dict[str, Any]], bool]:
    """What an organisation may be said to be part of: the first LISTED by name (not `but`, the
    organisation itself) and the one chosen, even past them, so a save never drops it unseen;
    and whether there are more than LISTED (the autocomplete then asks the API)."""
    listed = await service.list_all(LISTED + 1)
    more = len(listed) > LISTED
    options = [o for o in listed[:LISTED] if o["slug"] != but]
    if chosen and all(o["slug"] != chosen for o in options):
        with contextlib.suppress(NotFound):  # a slug typed by hand: the service names it
            options.append(await service.get(chosen))
    return options, more


async def _form_page(
    request: Request[Any, Any, Any],
    form: OrganisationForm,
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    parents, more = await _parents(form.parent)
    return Template(
        "organisations/new.html",
        context={
            "form": form,
            "errors": errors,
            "kinds": KINDS,
            "organisations": parents,
            "more": more,
            "current_user": current_actor(request),
        },
        status_code=status,
    )


async def _change_page(
    request: Request[Any, Any, Any],
    org: dict[str, Any],
    form: OrganisationForm,
    errors: dict[str, str],
    status: int = 200,
) -> Template:
    _, people = await accounts.list_users(
        current_actor(request), per_page=1, organisation=org["slug"]
    )
    parents, more = await _parents(form.parent, but=org["slug"])
    return Template(
        "organisations/organisation.html",
        context={
            "org": org,
            "people": people,
            "form": form,
            "errors": errors,
            "kinds": KINDS,
            "organisations": parents,
            "more": more,
            "current_user": current_actor(request),
        },
        status_code=status,
    )
