"""HTML pages where a person sets up (or sets up again) two-factor authentication."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from app.accounts import two_factor
from app.accounts.auth import TWO_FACTOR_PAGE, current_actor, require_user
from app.accounts.forms import CodeForm
from app.errors import Invalid

NO_STORE = {"Cache-Control": "no-store"}
SET_UP_PAGE = f"{TWO_FACTOR_PAGE}/set-up"


class TwoFactorPages(Controller):
    path = TWO_FACTOR_PAGE
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def status(self, request: Request[Any, Any, Any]) -> Template:
        actor = current_actor(request)
        left = await two_factor.recovery_codes_left(actor.id) if actor.two_factor_enrolled else 0
        return Template(
            "accounts/two_factor.html",
            context={"current_user": actor, "recovery_codes_left": left},
            headers=NO_STORE,
        )

    @post("/start")
    async def start(self, request: Request[Any, Any, Any]) -> Redirect:
        await two_factor.start_enrolment(current_actor(request))
        return Redirect(SET_UP_PAGE, status_code=303)

    @get("/set-up")
    async def set_up_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        return await _set_up_page(request, {}) or Redirect(TWO_FACTOR_PAGE, status_code=303)

    @post("/set-up")
    async def confirm(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        actor = current_actor(request)
        form = CodeForm.parse(await request.form())
        try:
            codes = await two_factor.confirm_enrolment(actor, form.code)
        except Invalid as exc:
            page = await _set_up_page(request, exc.problems, 400)
            return page or Redirect(TWO_FACTOR_PAGE, status_code=303)
        return Template(
            "accounts/two_factor_codes.html",
            context={"current_user": actor, "recovery_codes": codes},
            headers=NO_STORE,
        )


async def _set_up_page(
    request: Request[Any, Any, Any], errors: dict[str, str], status: int = 200
) -> Template | None:
    """The QR code and the box for its first code; None when no set-up was begun."""
    actor = current_actor(request)
    enrolment = await two_factor.pending_enrolment(actor)
    if enrolment is None:
        return None
    return Template(
        "accounts/two_factor_set_up.html",
        context={"current_user": actor, "enrolment": enrolment, "errors": errors},
        status_code=status,
        headers=NO_STORE,
    )
