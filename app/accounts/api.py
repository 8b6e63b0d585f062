"""JSON API: sign in, sign out, API tokens, users."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath, JSONBody

from app.accounts import browser_sessions, service, sign_in, two_factor
from app.accounts.auth import current_actor, require_user
from app.openapi import error_responses


class LoginBody(msgspec.Struct):
    email: str
    password: str
    code: str | None = None  # the authenticator app's code, or an unused recovery code


class CodeBody(msgspec.Struct):
    code: str


class TokenBody(msgspec.Struct):
    name: str = "API token"


class UserBody(msgspec.Struct):
    email: str
    name: str
    role: str
    password: str
    organisation: str | None = None


class PasswordBody(msgspec.Struct):
    password: str


class DetailsBody(msgspec.Struct):
    email: str | None = None
    name: str | None = None


class RoleBody(msgspec.Struct):
    role: str
    organisation: str | None = None


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/login", status_code=200, exclude_from_csrf=True, responses=error_responses(401, 429))
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[LoginBody]
    ) -> dict[str, Any]:
        """Start a session (cookie). 401 for wrong credentials, 429 after too many failures.
        Someone with two-factor sends `code` too: without it, or with a wrong one, 401
        `{"two_factor_required": true}` (wrong codes count as wrong passwords do)."""
        found = await sign_in.check_password(request, data.email, data.password)
        if found is None:
            raise NotAuthorizedException("Email or password is incorrect")
        if found.two_factor:
            if not (data.code or "").strip():
                raise two_factor.SecondFactorRequired()
            how = await service.check_second_factor(
                found.actor, data.code or "", sign_in.client_address(request)
            )
            if how is None:
                raise two_factor.SecondFactorRequired("The code is incorrect")
            await service.finish_sign_in(found.actor, "password", how)
        return {"user": sign_in.actor_dict(sign_in.start_session(request, found))}

    @post("/logout", status_code=200, guards=[require_user])
    async def logout(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Sign out: the session ends (its cookie is worthless from then on)."""
        sign_in.sign_out(request)
        return {"signed_out": True}

    @get("/me", guards=[require_user])
    async def me(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Who is signed in: id, email, name, role and organisation."""
        return {"user": sign_in.actor_dict(current_actor(request))}

    @post("/two-factor", status_code=201, guards=[require_user])
    async def start_two_factor(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Begin setting up two-factor (or setting it up again): a new `secret` and its
        `otpauth_uri` for an authenticator app. The one in use, if any, stays until confirmed."""
        enrolment = await two_factor.start_enrolment(current_actor(request))
        return enrolment.as_dict()

    @post("/two-factor/confirm", status_code=200, guards=[require_user])
    async def confirm_two_factor(
        self, request: Request[Any, Any, Any], data: JSONBody[CodeBody]
    ) -> dict[str, Any]:
        """A code from the new secret turns two-factor on: 200 `{recovery_codes}` (ten, shown
        this once); 422 naming `code` if it is wrong; 409 if no set-up was begun."""
        codes = await two_factor.confirm_enrolment(current_actor(request), data.code)
        return {"recovery_codes": codes}

    @post("/sessions/end", status_code=200, guards=[require_user])
    async def end_other_sessions(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Sign out of every other browser: each of your sessions ends but the one making this
        call (called with an API token: every session). Tokens keep working."""
        generation = await service.end_other_sessions(current_actor(request))
        sign_in.other_sessions_ended(request, generation)
        return {"other_sessions_ended": True}

    @get("/sessions", guards=[require_user])
    async def list_sessions(self, request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
        """Where you are signed in: each live browser session of yours (`current` is the one
        making this call; none when an API token makes it), with the browser, when it signed in
        and when it was last used (to the minute)."""
        found = await browser_sessions.sessions_of(
            current_actor(request),
            browser_sessions.this_session_id(request),
            request.app.state.settings,
        )
        return [s.as_dict() for s in found]

    @delete("/sessions/{session_id:str}", status_code=200, guards=[require_user])
    async def end_session(
        self, request: Request[Any, Any, Any], session_id: FromPath[str]
    ) -> dict[str, Any]:
        """Sign one of your browsers out (an `id` from GET /api/v1/auth/sessions); the others
        and your API tokens go on. 404 if it is not a live session of yours, 409 for the session
        making this call (sign out with POST /api/v1/auth/logout)."""
        ended = await browser_sessions.end_session(
            current_actor(request),
            session_id,
            browser_sessions.this_session_id(request),
            request.app.state.settings,
        )
        return ended.as_dict()

    @post("/tokens", status_code=201, guards=[require_user])
    async def create_token(
        self, request: Request[Any, Any, Any], data: JSONBody[TokenBody]
    ) -> dict[str, Any]:
        """A new token for yourself; `token` is shown this once."""
        actor = current_actor(request)
        return await service.create_token(actor, actor.email, data.name)

    @get("/tokens", guards=[require_user])
    async def list_tokens(self, request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
        """Your own tokens, newest first (never the tokens themselves)."""
        actor = current_actor(request)
        return [service.token_dict(row) for row in await service.list_tokens(actor, actor.id)]

    @delete("/tokens/{token_id:uuid}", status_code=200, guards=[require_user])
    async def revoke_token(
        self, request: Request[Any, Any, Any], token_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """Revoke a token: its owner or an admin. It answers 401 from then on."""
        return await service.revoke_token(current_actor(request), token_id)


class UsersController(Controller):
    path = "/api/v1/users"
    tags = ["users"]
    guards = [require_user]

    @post("/", status_code=201)
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[UserBody]
    ) -> dict[str, Any]:
        """Admins: add a person with a role (and, for department roles, an organisation)."""
        return await service.create_user(
            current_actor(request),
            data.email,
            data.name,
            data.role,
            data.password,
            data.organisation,
            temporary_password=True,
        )

    @get("/")
    async def list_users(
        self,
        request: Request[Any, Any, Any],
        page: int = 1,
        q: str | None = None,
        organisation: str | None = None,
    ) -> list[dict[str, Any]]:
        """Admins: users by name, a page of 50 at a time (`?page=2`); with `q`, only those with
        every word of it in their name or email address (any case); with `organisation` (a
        slug), only that organisation's people."""
        rows, _ = await service.list_users(
            current_actor(request), page, search_text=q, organisation=organisation
        )
        return [service.user_dict(row, row["organisation_slug"]) for row in rows]

    @get("/{user_id:uuid}")
    async def show(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """Admins: one user's details."""
        row = await service.get_user(current_actor(request), user_id)
        return service.user_dict(row, row["organisation_slug"])

    @get("/{user_id:uuid}/tokens")
    async def tokens(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> list[dict[str, Any]]:
        """A user's API tokens (admins; anyone for themselves), so that an admin can revoke one."""
        rows = await service.list_tokens(current_actor(request), user_id)
        return [service.token_dict(row) for row in rows]

    @patch("/{user_id:uuid}")
    async def change_details(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID], data: JSONBody[DetailsBody]
    ) -> dict[str, Any]:
        """Admins: a new `name` or `email` for someone (either may be left out). They sign in
        with the new email from then on; their sessions and tokens go on."""
        return await service.change_details(current_actor(request), user_id, data.email, data.name)

    @put("/{user_id:uuid}/role")
    async def change_role(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID], data: JSONBody[RoleBody]
    ) -> dict[str, Any]:
        """Admins: give a user another role (a department role needs its organisation)."""
        return await service.change_role(
            current_actor(request), user_id, data.role, data.organisation
        )

    @post("/{user_id:uuid}/deactivate", status_code=200)
    async def deactivate(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """The user can no longer sign in and their tokens are revoked; their history stays."""
        return await service.set_active(current_actor(request), user_id, False)

    @post("/{user_id:uuid}/password", status_code=200)
    async def set_password(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID], data: JSONBody[PasswordBody]
    ) -> dict[str, Any]:
        """Admins: a new password for someone who forgot theirs; the web pages then ask them for
        their own before anything else. Not for your own: use /account/password."""
        return await service.set_password(current_actor(request), user_id, data.password)

    @get("/{user_id:uuid}/sessions")
    async def list_sessions(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> list[dict[str, Any]]:
        """Admins: where someone is signed in, as GET /api/v1/auth/sessions answers for oneself
        (each live browser session: browser, signed in, last used)."""
        found = await browser_sessions.sessions_for_admin(
            current_actor(request),
            user_id,
            browser_sessions.this_session_id(request),
            request.app.state.settings,
        )
        return [s.as_dict() for s in found]

    @post("/{user_id:uuid}/sessions/end", status_code=200)
    async def end_sessions(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """Admins: sign someone out of every browser (their password and tokens stay). Not for
        your own: use POST /api/v1/auth/sessions/end."""
        return await service.end_sessions(current_actor(request), user_id)

    @delete("/{user_id:uuid}/two-factor", status_code=200)
    async def reset_two_factor(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """Admins: turn off someone's two-factor (a lost phone); their recovery codes go too.
        If their role needs it they set it up again at their next sign-in."""
        return await two_factor.reset(current_actor(request), user_id)

    @post("/{user_id:uuid}/reactivate", status_code=200)
    async def reactivate(
        self, request: Request[Any, Any, Any], user_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """Admins: let a deactivated user sign in again (their old tokens stay revoked)."""
        return await service.set_active(current_actor(request), user_id, True)
