"""The web routes of OpenID Connect sign-in: off to the provider, and back to the callback."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from app.accounts import oidc, service, sign_in, signed
from app.errors import Forbidden

STATE_COOKIE = "charter_oidc"
STATE_SECONDS = 600  # to sign in at the provider and come back
NO_STORE = {"Cache-Control": "no-store"}
_RETURNED = ("code", "state", "error", "error_description")


def _state_cookie(request: Request[Any, Any, Any], value: str, max_age: int) -> Cookie:
    # Lax: the provider sends the browser back with a top-level GET from its own site.
    return Cookie(
        key=STATE_COOKIE,
        value=value,
        path="/auth/oidc",
        max_age=max_age,
        httponly=True,
        secure=request.app.state.settings.https,
        samesite="lax",
    )


def _refused(message: str, cookies: list[Cookie], status: int = 403) -> Template:
    return Template(
        "accounts/oidc_refused.html",
        context={"message": message, "current_user": None},
        status_code=status,
        headers=NO_STORE,
        cookies=cookies,
    )


class OidcPages(Controller):
    path = "/auth/oidc"
    include_in_schema = False

    @get("/login")
    async def login(self, request: Request[Any, Any, Any], next: str = "") -> Redirect | Template:
        settings = request.app.state.settings
        if not settings.oidc_enabled:
            raise NotFoundException("Sign-in with an organisation's account is not set up here")
        try:
            url, saved = await oidc.start(settings)
        except oidc.Refused as exc:
            return _refused(exc.message, [], 503)
        payload = {**saved, "next": sign_in.local_path(next, "")}
        value = signed.sign(settings.secret_key, STATE_COOKIE, payload, STATE_SECONDS)
        return Redirect(
            url, status_code=303, cookies=[_state_cookie(request, value, STATE_SECONDS)]
        )

    @get("/callback")
    async def callback(self, request: Request[Any, Any, Any]) -> Redirect | Template:
        settings = request.app.state.settings
        if not settings.oidc_enabled:
            raise NotFoundException("Sign-in with an organisation's account is not set up here")
        saved = signed.unsign(settings.secret_key, STATE_COOKIE, request.cookies.get(STATE_COOKIE))
        cleared = _state_cookie(request, "", 0)  # the state is spent, whatever happens
        params = {k: v for k in _RETURNED if isinstance(v := request.query_params.get(k), str)}
        try:
            identity = await oidc.finish(settings, params, saved)
            found = await service.account_for_sign_in_by_email(identity.email)
        except (oidc.Refused, Forbidden) as exc:
            return _refused(exc.message, [cleared])
        assert saved is not None  # (finish refuses without it)
        next_path = sign_in.local_path(str(saved.get("next", "")), "")
        if found.two_factor and not identity.second_factor_used:
            pending = sign_in.pending_cookie(request, found, "oidc", next_path)
            return Redirect("/sign-in/code", status_code=303, cookies=[cleared, pending])
        by_provider = "provider" if identity.second_factor_used else None
        await service.finish_sign_in(found.actor, "oidc", by_provider)
        sign_in.start_session(request, found)
        return Redirect(sign_in.local_path(next_path), status_code=303, cookies=[cleared])
