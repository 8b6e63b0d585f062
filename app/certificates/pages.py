"""HTML pages for certificates for lead assessors and admins: the register, each certificate's page
with its history, and a lead assessor's revoke form (the public check is in verify_pages.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.accounts.auth import current_actor, require_user
from app.audit.pagination import pagination
from app.certificates import register, service
from app.errors import Invalid

DATES = ("issued_on", "expires_on", "revoked_on")


def _view(certificate: dict[str, Any]) -> dict[str, Any]:
    """The public dict with its ISO dates as dates, for the templates' date filter."""
    return {k: dt.date.fromisoformat(v) if k in DATES and v else v for k, v in certificate.items()}


@get("/certificates", guards=[require_user], include_in_schema=False)
async def register_page(
    request: Request[Any, Any, Any],
    q: str | None = None,
    status: str | None = None,
    framework: str | None = None,
    page: str | None = None,
) -> Template:
    """Every certificate, searched and filtered, a page at a time."""
    actor = current_actor(request)
    register.may_read(actor)
    values = {"q": q or "", "status": status or "", "framework": framework or ""}
    errors: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    total = 0
    filters = register.Filters()
    try:
        filters = register.filters_of(q, status, framework, page)
        rows, total = await register.listing(actor, filters)
    except Invalid as exc:
        errors = exc.problems
    return Template(
        template_name="certificates/register.html",
        context={
            "certificates": rows,
            "total": total,
            "values": values,
            "errors": errors,
            "statuses": register.STATUSES,
            "frameworks": await register.frameworks(),
            "page_number": filters.page,
            "per_page": register.PER_PAGE,
            "pagination": pagination(
                filters.page, register.PER_PAGE, total, "/certificates", filters.values()
            ),
            "current_user": actor,
        },
        status_code=400 if errors else 200,
    )


@get("/certificates/{certificate:str}", guards=[require_user], include_in_schema=False)
async def certificate_page(
    request: Request[Any, Any, Any], certificate: str, done: str | None = None
) -> Template:
    """One certificate with its history and, for lead assessors, the way to revoke it."""
    actor = current_actor(request)
    shown = await register.certificate(actor, certificate)
    return Template(
        template_name="certificates/show.html",
        context={
            "certificate": shown,
            "statuses": register.STATUSES,
            "just_revoked": done == "revoked" and shown["status"] == "revoked",
            "current_user": actor,
        },
    )


@get("/certificates/{certificate:str}/revoke", guards=[require_user], include_in_schema=False)
async def revoke_form(request: Request[Any, Any, Any], certificate: str) -> Template:
    actor = current_actor(request)
    shown = await service.show(certificate)
    service.may_revoke(actor)
    return Template(
        template_name="certificates/revoke.html",
        context={
            "certificate": _view(shown),
            "errors": {},
            "values": {"reason": ""},
            "current_user": actor,
        },
    )


@post("/certificates/{certificate:str}/revoke", guards=[require_user], include_in_schema=False)
async def revoke(request: Request[Any, Any, Any], certificate: str) -> Template | Redirect:
    actor = current_actor(request)
    form = await request.form()
    reason = str(form.get("reason") or "")
    try:
        revoked = await service.revoke(actor, certificate, reason)
    except Invalid as exc:
        shown = await service.show(certificate)
        return Template(
            template_name="certificates/revoke.html",
            context={
                "certificate": _view(shown),
                "errors": exc.problems,
                "values": {"reason": reason},
                "current_user": actor,
            },
            status_code=400,
        )
    return Redirect(f"/certificates/{revoked['id']}?done=revoked", status_code=303)


ROUTES = [register_page, certificate_page, revoke_form, revoke]
