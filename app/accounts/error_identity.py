"""Who is signed in, for an error met before a route's middleware ran (no such page, say)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.base import BaseSessionBackend
from litestar.types import Scope
from litestar.utils.scope.state import ScopeState

from app.accounts.auth import SESSION_USER, _actor_for_session, session_expired
from app.accounts.csrf import CSRF_COOKIE
from app.accounts.session_store import DatabaseStore
from app.accounts.sessions import COOKIE


async def identify(_: Exception, scope: Scope) -> None:
    """An after_exception hook: when an HTML request failed before the session and
    authentication middleware ran (Litestar runs them only on a matched route), read the
    session, changing nothing, so the error page's header shows the person and their Sign out
    (with the CSRF token their cookie holds)."""
    if scope["type"] != "http" or "user" in scope or scope["path"].startswith("/api/"):
        return
    scope["user"] = None
    connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
    session_id = connection.cookies.get(COOKIE)
    found = await DatabaseStore().read(session_id) if session_id else None
    if found is None:
        return
    session = BaseSessionBackend.deserialize_data(found[0])
    settings = scope["litestar_app"].state.settings
    if not session.get(SESSION_USER) or session_expired(session, settings.session_absolute_hours):
        return
    scope["user"] = await _actor_for_session(session)
    csrf = connection.cookies.get(CSRF_COOKIE)
    if scope["user"] is not None and csrf:
        ScopeState.from_scope(scope).csrf_token = csrf
