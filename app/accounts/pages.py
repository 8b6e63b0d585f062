"""HTML pages for everyone who signs in: sign in (and its second step) and out, their API tokens,
their password."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.accounts import browser_sessions, service, sign_in, two_factor
from app.accounts.auth import current_actor, require_user
from app.accounts.forms import CodeForm, PasswordForm, SignInForm, TokenForm
from app.accounts.password_rules import MIN_LENGTH
from app.accounts.roles import ROLE_LABELS
from app.accounts.throttle import TooManyAttempts
from app.errors import Forbidden, Invalid
from app.settings import Settings

INCORRECT = "Email or password is incorrect"
WRONG_CODE = "The code is not correct. Enter the code your authenticator app shows now, or one of your recovery codes"
CODE_PAGE = "/sign-in/code"
NO_STORE = {"Cache-Control": "no-store"}


def _see_other(path: str) -> Redirect:
    return Redirect(path, status_code=303)


class SignInPages(Controller):
    include_in_schema = False

    @get("/sign-in")
    async def sign_in_form(
        self, request: Request[Any, Any, Any], next: str = "", ended: str = ""
    ) -> Template | Redirect:
        if request.scope.get("user") is not None:
            return _see_other(sign_in.local_path(next))
        form = SignInForm(next=sign_in.local_path(next, ""))
        ended_because = request.app.state.settings if ended == "yes" else None
        return _sign_in_page(request, form, {}, session_ended=ended_because)

    @post("/sign-in")
    async def sign_in(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = SignInForm.parse(await request.form())
        errors = form.validate()
        if errors:
            return _sign_in_page(request, form, errors, 400)
        try:
            found = await sign_in.check_password(request, form.email, form.password)
        except (TooManyAttempts, Forbidden) as exc:
            return _sign_in_page(request, form, {"email": exc.message}, exc.status_code)
        if found is None:
            return _sign_in_page(request, form, {"email": INCORRECT}, 400)
        if found.two_factor:
            next_path = sign_in.local_path(form.next, "")
            cookie = sign_in.pending_cookie(request, found, "password", next_path)
            return Redirect(CODE_PAGE, status_code=303, cookies=[cookie])
        sign_in.start_session(request, found)
        return _see_other(sign_in.local_path(form.next))

    @get(CODE_PAGE)
    async def code_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        if await sign_in.pending(request) is None:
            return _see_other("/sign-in")
        return _code_page({}, 200)

    @post(CODE_PAGE)
    async def check_code(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        waiting = await sign_in.pending(request)
        if waiting is None:  # too slow, or the password changed meanwhile: start again
            return _see_other("/sign-in")
        code = CodeForm.parse(await request.form()).code
        if not code:
            return _code_page({"code": two_factor.NO_CODE}, 400)
        actor = waiting.found.actor
        try:
            how = await service.check_second_factor(actor, code, sign_in.client_address(request))
        except TooManyAttempts as exc:
            return _code_page({"code": exc.message}, exc.status_code)
        if how is None:
            return _code_page({"code": WRONG_CODE}, 400)
        await service.finish_sign_in(actor, waiting.method, how)
        sign_in.start_session(request, waiting.found)
        return Redirect(
            sign_in.local_path(waiting.next),
            status_code=303,
            cookies=[sign_in.pending_cookie_cleared(request)],
        )

    @post("/sign-out")
    async def sign_out(self, request: Request[Any, Any, Any]) -> Redirect:
        sign_in.sign_out(request)
        return _see_other("/sign-in")


def _code_page(errors: dict[str, str], status: int) -> Template:
    return Template(
        "accounts/sign_in_code.html",
        context={"errors": errors, "current_user": None},
        status_code=status,
        headers=NO_STORE,
    )


def _sign_in_page(
    request: Request[Any, Any, Any],
    form: SignInForm,
    errors: dict[str, str],
    status: int = 200,
    session_ended: Settings | None = None,
) -> Template:
    """`session_ended`: when a session has just ended, the settings whose time-outs the page names."""
    # The password is never sent back, not even after a mistake.
    return Template(
        "accounts/sign_in.html",
        context={
            "form": form,
            "errors": errors,
            "current_user": None,
            "session_ended": session_ended,
            "oidc": request.app.state.settings.oidc_enabled,
            "password_for_admins_only": not request.app.state.settings.password_sign_in_for_everyone,
        },
        status_code=status,
        headers=NO_STORE,
    )


class AccountPages(Controller):
    path = "/account"
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def account(
        self, request: Request[Any, Any, Any], sessions: str = "", session: str = ""
    ) -> Template:
        actor = current_actor(request)
        settings = request.app.state.settings
        browsers = await browser_sessions.sessions_of(
            actor, browser_sessions.this_session_id(request), settings
        )
        return Template(
            "accounts/account.html",
            context={
                "person": await service.own_account(actor),
                "role_label": ROLE_LABELS[actor.role],
                "sessions_ended": sessions == "ended",
                "session_ended": session == "ended",
                "browsers": browsers,
                "current_user": actor,
            },
            headers=NO_STORE,
        )

    @post("/sessions/{session_id:str}/end")
    async def end_one_session(
        self, request: Request[Any, Any, Any], session_id: FromPath[str]
    ) -> Redirect:
        await browser_sessions.end_session(
            current_actor(request),
            session_id,
            browser_sessions.this_session_id(request),
            request.app.state.settings,
        )
        return _see_other("/account?session=ended")

    @post("/sessions/end")
    async def end_other_sessions(self, request: Request[Any, Any, Any]) -> Redirect:
        generation = await service.end_other_sessions(current_actor(request))
        sign_in.other_sessions_ended(request, generation)
        return _see_other("/account?sessions=ended")

    @get("/tokens")
    async def tokens(self, request: Request[Any, Any, Any]) -> Template:
        return await _tokens_page(request, TokenForm(), {})

    @post("/tokens")
    async def create_token(self, request: Request[Any, Any, Any]) -> Template:
        actor = current_actor(request)
        form = TokenForm.parse(await request.form())
        errors = form.validate()
        if errors:
            return await _tokens_page(request, form, errors, 400)
        created = await service.create_token(actor, actor.email, form.name)
        return Template(
            "accounts/token_created.html",
            context={"token": created, "current_user": actor},
            status_code=201,
            headers=NO_STORE,
        )

    @post("/tokens/{token_id:uuid}/revoke")
    async def revoke_token(
        self, request: Request[Any, Any, Any], token_id: FromPath[UUID]
    ) -> Redirect:
        await service.revoke_token(current_actor(request), token_id)
        back = (await request.form()).get("next")
        return _see_other(
            sign_in.local_path(back if isinstance(back, str) else "", "/account/tokens")
        )

    @get("/password")
    async def password_form(
        self, request: Request[Any, Any, Any], changed: str = "", first: str = ""
    ) -> Template:
        return _password_page(request, {}, changed=changed == "yes", first=first == "yes")

    @post("/password")
    async def change_password(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = PasswordForm.parse(await request.form())
        actor = current_actor(request)
        try:
            password_hash = await service.change_password(
                actor, form.current_password, form.new_password
            )
        except Invalid as exc:
            return _password_page(request, exc.problems, 400)
        sign_in.password_changed(request, password_hash)
        first = "&first=yes" if actor.must_change_password else ""
        return _see_other(f"/account/password?changed=yes{first}")


async def _tokens_page(
    request: Request[Any, Any, Any], form: TokenForm, errors: dict[str, str], status: int = 200
) -> Template:
    actor = current_actor(request)
    rows = await service.list_tokens(actor, actor.id)
    return Template(
        "accounts/tokens.html",
        context={"tokens": rows, "form": form, "errors": errors, "current_user": actor},
        status_code=status,
    )


def _password_page(
    request: Request[Any, Any, Any],
    errors: dict[str, str],
    status: int = 200,
    changed: bool = False,
    first: bool = False,
) -> Template:
    return Template(
        "accounts/password.html",
        context={
            "errors": errors,
            "changed": changed,
            "first": first,
            "min_length": MIN_LENGTH,
            "current_user": current_actor(request),
        },
        status_code=status,
        headers=NO_STORE,
    )
