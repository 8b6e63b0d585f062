"""Starting and ending a signed-in session, with a fresh session id each time (no fixation)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request

from app.accounts import service
from app.accounts.actor import Actor
from app.accounts.auth import SESSION_GENERATION, SESSION_PASSWORD, new_session, password_stamp

ROTATE = "rotate_session_id"
HOME = "/"


def actor_dict(actor: Actor) -> dict[str, Any]:
    return {
        "id": str(actor.id),
        "email": actor.email,
        "name": actor.name,
        "role": actor.role.value,
        "organisation_id": str(actor.organisation_id) if actor.organisation_id else None,
        "must_change_password": actor.must_change_password,
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


def _client(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


async def sign_in(request: Request[Any, Any, Any], email: str, password: str) -> Actor | None:
    """Check the credentials (throttled: may raise TooManyAttempts) and start a new session."""
    found = await service.authenticate(email, password, _client(request))
    if found is None:
        return None
    request.scope.setdefault("state", {})[ROTATE] = True
    agent = request.headers.get("user-agent", "")
    request.set_session(
        new_session(found.actor.id, found.password_hash, found.session_generation, agent)
    )
    return found.actor


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
