"""Starting and ending a signed-in session, with a fresh session id each time (no fixation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.datastructures import Cookie

from app.accounts import service, signed
from app.accounts.actor import Actor
from app.accounts.auth import SESSION_GENERATION, SESSION_PASSWORD, new_session, password_stamp

ROTATE = "rotate_session_id"
HOME = "/"
PENDING_COOKIE = "charter_pending_sign_in"
PENDING_SECONDS = 300  # to type the code after the password (or after the provider's sign-in)


def actor_dict(actor: Actor) -> dict[str, Any]:
    return {
        "id": str(actor.id),
        "email": actor.email,
        "name": actor.name,
        "role": actor.role.value,
        "organisation_id": str(actor.organisation_id) if actor.organisation_id else None,
        "must_change_password": actor.must_change_password,
        "two_factor": actor.two_factor_enrolled,
        "two_factor_enrolment_required": actor.must_enrol_two_factor,
    }


def local_path(target: str | None, default: str = HOME) -> str:
    """`target` if it is a path on this site, else `default`: `?next=` must never send anyone away.

    Browsers read `//host`, `/\\host` and `\\\\host` as other sites, and ignore tabs and newlines
    inside a URL, so all of those are refused rather than cleaned up.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return default
    if (
        target.startswith(("//", "/\\"))
        or any(c in target for c in "\\\t\r\n")
        or not target.isprintable()
    ):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def client_address(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


async def check_password(
    request: Request[Any, Any, Any], email: str, password: str
) -> service.Authenticated | None:
    """The credentials' owner (throttled: may raise TooManyAttempts), or None. Someone without a
    second factor is signed in (start_session follows); someone with one is asked for a code."""
    settings = request.app.state.settings
    return await service.authenticate(
        email,
        password,
        client_address(request),
        admins_only=not settings.password_sign_in_for_everyone,
    )


def start_session(request: Request[Any, Any, Any], found: service.Authenticated) -> Actor:
    """A new session, under a new id, for the person just signed in."""
    request.scope.setdefault("state", {})[ROTATE] = True
    agent = request.headers.get("user-agent", "")
    request.set_session(
        new_session(found.actor.id, found.password_hash, found.session_generation, agent)
    )
    return found.actor


def _pending_cookie_settings(request: Request[Any, Any, Any]) -> dict[str, Any]:
    # Lax, not strict: after an OIDC sign-in the browser comes to the code page by redirects
    # that began on the provider's site.
    return {
        "key": PENDING_COOKIE,
        "path": "/sign-in",
        "httponly": True,
        "secure": request.app.state.settings.https,
        "samesite": "lax",
    }


def pending_cookie(
    request: Request[Any, Any, Any], found: service.Authenticated, method: str, next: str
) -> Cookie:
    """The signed, short-lived note that the first step is done and a code is due: no session
    exists until the code is right."""
    payload = {
        "user": str(found.actor.id),
        "password": password_stamp(found.password_hash),
        "generation": found.session_generation,
        "method": method,
        "next": next,
    }
    value = signed.sign(
        request.app.state.settings.secret_key, PENDING_COOKIE, payload, PENDING_SECONDS
    )
    return Cookie(value=value, max_age=PENDING_SECONDS, **_pending_cookie_settings(request))


def pending_cookie_cleared(request: Request[Any, Any, Any]) -> Cookie:
    return Cookie(value="", max_age=0, expires=0, **_pending_cookie_settings(request))


@dataclass(frozen=True)
class Pending:
    found: service.Authenticated
    method: str
    next: str


async def pending(request: Request[Any, Any, Any]) -> Pending | None:
    """The sign-in waiting for its code, if its note is genuine, recent, and the person is still
    active with the same password and sessions as when it was written."""
    payload = signed.unsign(
        request.app.state.settings.secret_key, PENDING_COOKIE, request.cookies.get(PENDING_COOKIE)
    )
    if payload is None:
        return None
    found = await service.pending_user(payload.get("user"))
    if (
        found is None
        or not found.two_factor
        or payload.get("password") != password_stamp(found.password_hash)
        or payload.get("generation") != found.session_generation
    ):
        return None
    return Pending(found, str(payload.get("method")), local_path(str(payload.get("next")), ""))


def sign_out(request: Request[Any, Any, Any]) -> None:
    request.scope.setdefault("state", {})[ROTATE] = True
    request.clear_session()


def password_changed(request: Request[Any, Any, Any], password_hash: str) -> None:
    """The person changed their password in this session: it goes on, under a new id (a copied
    cookie stops working), while their other sessions, begun with the old password, end."""
    _carry_on(request, SESSION_PASSWORD, password_stamp(password_hash))


def other_sessions_ended(request: Request[Any, Any, Any], generation: int) -> None:
    """The person ended their other sessions from this one: it goes on with the new generation,
    under a new id, as after a password change. Asked with an API token, no session goes on (a
    cookie sent alongside the token is one of the sessions that end)."""
    if request.scope.get("auth") != "token":
        _carry_on(request, SESSION_GENERATION, generation)


def _carry_on(request: Request[Any, Any, Any], key: str, value: Any) -> None:
    """This session goes on with `value` under `key`, and under a new id."""
    if request.session:
        request.session[key] = value
        request.scope.setdefault("state", {})[ROTATE] = True
