"""Who is asking: resolves a bearer token or the session cookie to an Actor on every request."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from app import db
from app.accounts.actor import Actor
from app.accounts.roles import Role
from app.accounts.tables import ApiToken, User
from app.accounts.tokens import token_hash
from app.accounts.two_factor import must_enrol

SESSION_USER = "user_id"
SESSION_STARTED = "started_at"
SESSION_PASSWORD = "password_stamp"  # noqa: S105 (a session key, not a password)
SESSION_GENERATION = "generation"  # the user's session_generation when the session began
SESSION_AGENT = "agent"  # the browser's User-Agent at sign-in, to tell sessions apart
MAX_AGENT = 300
# Set in scope["state"] when the request came with a session that has just ended (timed out,
# deleted, or no longer valid here): the sign-in page it is sent to says so.
SESSION_ENDED = "charter_session_ended"


# Both queries run on every request: hand-written, as building them with Piccolo (the token's
# one through a foreign key) cost more CPU than the database took to answer.
_ACTOR_SQL = (
    "SELECT id, email, name, role, organisation, must_change_password, password_hash, "  # noqa: S608
    "session_generation, totp_enabled_at "
    f"FROM {User._meta.tablename} "
    "WHERE id = {} AND active = {}"
)
_TOKEN_SQL = (
    "SELECT t.id, t.last_used_at, u.id AS owner_id, u.email, u.name, u.role, u.organisation, "  # noqa: S608
    "u.must_change_password "
    f'FROM {ApiToken._meta.tablename} t JOIN {User._meta.tablename} u ON u.id = t."user" '
    "WHERE t.token_hash = {} AND t.revoked_at IS NULL AND u.active = {}"
)


def actor_from_row(row: dict[str, Any], via_token: bool = False) -> Actor:
    """The Actor for a user row holding at least _ACTOR_SQL's columns."""
    return Actor(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=Role(row["role"]),
        organisation_id=row["organisation"],
        via_token=via_token,
        must_change_password=bool(row["must_change_password"]),
        two_factor_enrolled=row.get("totp_enabled_at") is not None,
    )


async def _active_user(user_id: Any) -> dict[str, Any] | None:
    rows = await db.read_by_key(User, _ACTOR_SQL, user_id, True)
    return rows[0] if rows else None


async def _actor_for(user_id: Any) -> Actor | None:
    row = await _active_user(user_id)
    return actor_from_row(row) if row else None


def password_stamp(password_hash: str) -> str:
    """What a session keeps of the password it was begun with: a digest of the password's hash
    (whose salt is secret, so the digest reveals nothing). A new password, chosen by the person
    or set by an admin, no longer matches, and every session begun with the old one ends."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def new_session(
    user_id: Any, password_hash: str, generation: int, agent: str = ""
) -> dict[str, Any]:
    """The session sign-in starts."""
    return {
        SESSION_USER: str(user_id),
        SESSION_STARTED: dt.datetime.now(dt.UTC).isoformat(),
        SESSION_PASSWORD: password_stamp(password_hash),
        SESSION_GENERATION: generation,
        SESSION_AGENT: agent[:MAX_AGENT],
    }


def session_current(session: dict[str, Any], row: dict[str, Any]) -> bool:
    """Begun with the person's present password and after their sessions were last ended.
    (A session stored before generations existed has none: it counts as generation 0.)"""
    return (
        session.get(SESSION_PASSWORD) == password_stamp(row["password_hash"])
        and session.get(SESSION_GENERATION, 0) == row["session_generation"]
    )


async def _actor_for_session(session: dict[str, Any]) -> Actor | None:
    row = await _active_user(session[SESSION_USER])
    if row is None or not session_current(session, row):
        return None
    return actor_from_row(row)


# last_used_at is for people deciding which token to revoke: minute precision is plenty, and
# it spares a write on every API call.
_LAST_USED_PRECISION = dt.timedelta(minutes=1)


async def actor_from_token(token: str) -> Actor | None:
    """The active user a live (unrevoked) token belongs to, or None."""
    rows = await db.read_by_key(ApiToken, _TOKEN_SQL, token_hash(token), True)
    if not rows:
        return None
    row = rows[0]
    now = dt.datetime.now(dt.UTC)
    if row["last_used_at"] is None or now - row["last_used_at"] > _LAST_USED_PRECISION:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return actor_from_row({**row, "id": row["owner_id"]}, via_token=True)


def session_expired(session: dict[str, Any], absolute_hours: int) -> bool:
    started = session.get(SESSION_STARTED)
    if not started:
        return True
    age = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(started)
    return age > dt.timedelta(hours=absolute_hours)


class AuthenticationMiddleware:
    """Sets scope["user"] to an Actor, or None when signed out. Guards decide what that allows."""

    def __init__(
        self,
        app: ASGIApp,
        absolute_hours: int = 12,
        two_factor_roles: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.absolute_hours = absolute_hours
        self.two_factor_roles = two_factor_roles

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            actor = await self._resolve(scope)
            if (
                actor is not None
                and not actor.via_token
                and must_enrol(actor.role.value, actor.two_factor_enrolled, self.two_factor_roles)
            ):
                actor = replace(actor, must_enrol_two_factor=True)
            scope["user"] = actor
            scope["auth"] = "token" if actor and actor.via_token else None
            if (
                actor is not None
                and actor.must_enrol_two_factor
                and not enrolment_allows(scope["path"])
            ):
                raise TwoFactorEnrolmentNeeded
        await self.app(scope, receive, send)

    async def _resolve(self, scope: Scope) -> Actor | None:
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
        header = connection.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            return await actor_from_token(header[7:].strip())
        session: dict[str, Any] = scope.get("session") or {}  # type: ignore[assignment]
        if not session.get(SESSION_USER):
            return None
        actor = (
            None
            if session_expired(session, self.absolute_hours)
            else await _actor_for_session(session)
        )
        if actor is None:
            # Too old, the person deactivated, their password changed or their sessions were
            # ended since: the session ends (its row is deleted).
            session.clear()
            scope.setdefault("state", {})[SESSION_ENDED] = True
        return actor


PASSWORD_PAGE = "/account/password"  # noqa: S105 (a path, not a password)
TWO_FACTOR_PAGE = "/account/two-factor"
# What someone who must set up two-factor may still ask for (contract.md, "Sign-in").
_ENROLMENT_PATHS = frozenset(
    {
        "/sign-in",
        "/sign-out",
        "/healthz",
        "/readyz",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/auth/two-factor",
        "/api/v1/auth/two-factor/confirm",
    }
)
_ENROLMENT_PREFIXES = (TWO_FACTOR_PAGE, "/assets/", "/sign-in/")


def enrolment_allows(path: str) -> bool:
    return path in _ENROLMENT_PATHS or path.startswith(_ENROLMENT_PREFIXES)


class TwoFactorEnrolmentNeeded(Exception):
    """Someone whose role needs a second factor asked for anything but setting it up: a page
    sends them to set it up, the API answers 403 (main.py). API tokens are never held up."""


class PasswordChangeNeeded(Exception):
    """Someone whose password an administrator chose asked for a page other than the one where
    they choose their own (main.py sends them there). The API is not held up: scripts go on."""


async def require_user(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    # async on purpose: Litestar runs a plain function guard in a worker thread, and the hop
    # there and back cost more than the check (0.1-0.2 ms on every signed-in page).
    actor = connection.scope.get("user")
    if actor is None:
        raise NotAuthorizedException("Sign in to continue")
    if actor.must_change_password and not actor.via_token:
        path = connection.scope["path"]
        if path != PASSWORD_PAGE and not path.startswith("/api/"):
            raise PasswordChangeNeeded


def current_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    actor = connection.scope.get("user")
    if actor is None:
        raise NotAuthorizedException("Sign in to continue")
    return actor
