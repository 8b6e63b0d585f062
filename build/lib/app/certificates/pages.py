"""HTML pages for certificates: the public verification page and a lead assessor's revoke form."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.accounts.auth import current_actor, require_user
from app.certificates import service
from app.errors import Invalid

DATES = ("issued_on", "expires_on", "revoked_on")


def _view(certificate: dict[str, Any]) -> dict[str, Any]:
    """The public dict with its ISO dates as dates, for the templates' date filter."""
    return {k: dt.date.fromisoformat(v) if k in DATES and v else v for k, v in certificate.items()}


@get("/verify", include_in_schema=False)
async def verify_lookup(id: str | None = None) -> Template | Redirect:
    """A form to type or paste a certificate id, as printed on the certificate."""
    wanted = (id or "").strip()
    if wanted:
        return Redirect(f"/verify/{quote(wanted, safe='')}")
    return Template(template_name="certificates/lookup.html", context={"errors": {}})


@get("/verify/{certificate:str}", include_in_schema=False)
async def verify(certificate: str) -> Template:
    shown = await service.show(certificate)
    return Template(template_name="certificates/verify.html", context={"certificate": _view(shown)})


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
    return Redirect(f"/verify/{revoked['id']}", status_code=303)


ROUTES = [verify_lookup, verify, revoke_form, revoke]
