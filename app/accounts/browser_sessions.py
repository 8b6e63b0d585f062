"""Where a person is signed in: each live session of theirs (the browser, when it signed in and
when it was last used), and ending one of them without touching the others.

A session is named by the key it is stored under, a SHA-256 of its id: it can be shown and sent
back in a form without handing out the id that signs a browser in.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from litestar.connection import ASGIConnection
from ua_parser import parse_os, parse_user_agent

from app import db
from app.accounts import service
from app.accounts.actor import Actor
from app.accounts.auth import (
    SESSION_AGENT,
    SESSION_STARTED,
    session_current,
    session_expired,
)
from app.accounts.service import AnyActor
from app.accounts.session_store import stored_key
from app.accounts.sessions import COOKIE
from app.accounts.tables import SessionEntry, User
from app.audit.service import record
from app.errors import Conflict, NotFound
from app.settings import Settings

MAX_LISTED = 100  # more than anyone has; the list stays a page long whatever happens


@dataclass(frozen=True)
class BrowserSession:
    id: str
    browser: str
    started_at: dt.datetime | None
    last_active_at: dt.datetime
    current: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "browser": self.browser,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "last_active_at": self.last_active_at.isoformat(),
            "current": self.current,
        }


def this_session_id(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The id of the session making a request; None when an API token makes it (a cookie sent
    alongside is not the caller)."""
    if connection.scope.get("auth") == "token":
        return None
    return connection.cookies.get(COOKIE)


def warm_browser_names() -> None:
    """Called once at start-up: ua-parser compiles its patterns at its first use (~0.15 s here),
    which the first page listing sessions after a start would otherwise pay."""
    agent = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
    parse_user_agent(agent)
    parse_os(agent)


@functools.lru_cache(maxsize=256)
def browser_label(agent: str | None) -> str:
    """ "Firefox on Windows", from a User-Agent header, as plainly as it can be said."""
    if agent is None:
        return "A browser (signed in before Charter recorded which)"
    browser, system = parse_user_agent(agent), parse_os(agent)
    name = browser.family if browser and browser.family != "Other" else None
    platform = system.family if system and system.family != "Other" else None
    if name and platform:
        return f"{name} on {platform}"
    if name or platform:
        return f"{name or 'A browser'}{' on ' + platform if platform else ''}"
    return (
        f"Another program ({agent[:60]})" if agent.strip() else "A browser that did not say which"
    )


async def sessions_of(
    actor: Actor, current_id: str | None, settings: Settings
) -> list[BrowserSession]:
    """The actor's live sessions, the one asking (`current_id`, its cookie) first, then the most
    recently used."""
    return await _sessions_of_user(actor.id, current_id, settings)


async def sessions_for_admin(
    actor: AnyActor, user_id: UUID, current_id: str | None, settings: Settings
) -> list[BrowserSession]:
    """Someone's live sessions, for an administrator helping them (is the account in use, and
    where?). Forbidden for anyone else; NotFound for no such user."""
    await service.get_user(actor, user_id)  # the administrator check, and NotFound
    return await _sessions_of_user(user_id, current_id, settings)


async def _sessions_of_user(
    user_id: UUID, current_id: str | None, settings: Settings
) -> list[BrowserSession]:
    person = await User.select(User.password_hash, User.session_generation).where(
        User.id == user_id
    )
    if not person:
        return []
    now = dt.datetime.now(dt.UTC)
    rows = (
        await SessionEntry.select(SessionEntry.key, SessionEntry.value, SessionEntry.expires_at)
        .where((SessionEntry.user_id == user_id) & (SessionEntry.expires_at > now))
        .order_by(SessionEntry.expires_at, ascending=False)
        .limit(MAX_LISTED)
    )
    current = stored_key(current_id) if current_id else None
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    found = []
    for row in rows:
        session = _decoded(row["value"])
        if not _live(session, person[0], settings):
            continue
        started = session.get(SESSION_STARTED)
        found.append(
            BrowserSession(
                id=row["key"],
                browser=browser_label(session.get(SESSION_AGENT)),
                started_at=dt.datetime.fromisoformat(started) if started else None,
                last_active_at=min(now, row["expires_at"] - idle),
                current=row["key"] == current,
            )
        )
    return sorted(found, key=lambda s: not s.current)  # stable: recent first after this one


async def end_session(
    actor: Actor, session_id: str, current_id: str | None, settings: Settings
) -> BrowserSession:
    """End one of the actor's other sessions: that browser is signed out at its next request.
    NotFound unless it is a live session of theirs; Conflict for the one asking (sign out)."""
    async with db.transaction():
        listed = {s.id: s for s in await sessions_of(actor, current_id, settings)}
        ending = listed.get(session_id)
        if ending is None:
            raise NotFound("You have no session with that id: it may have ended already")
        if ending.current:
            raise Conflict("That is the session you are using: sign out instead")
        await SessionEntry.delete().where(
            (SessionEntry.key == session_id) & (SessionEntry.user_id == actor.id)
        )
        await record(
            actor,
            "user.session_end",
            "user",
            actor.id,
            after={"browser": ending.browser, "started_at": ending.as_dict()["started_at"]},
        )
    return ending


def _decoded(value: bytes) -> dict[str, Any]:
    try:
        session = msgspec.json.decode(bytes(value))
    except msgspec.DecodeError:
        return {}
    return session if isinstance(session, dict) else {}


def _live(session: dict[str, Any], person: dict[str, Any], settings: Settings) -> bool:
    """Would this session still sign its browser in (the same checks the middleware makes)?"""
    return bool(session) and (
        session_current(session, person)
        and not session_expired(session, settings.session_absolute_hours)
    )
