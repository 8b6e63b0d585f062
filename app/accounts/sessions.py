"""Server-side sessions in the database, whose id is replaced at sign-in and sign-out.

Litestar's backend keeps whatever id the client's cookie supplies; an attacker who planted a cookie
would then share the victim's signed-in session. Rotating on every privilege change prevents that.
Only signed-in sessions are stored: a visitor who never signs in costs no database write and gets
no session cookie. A page view that changes nothing in the session writes nothing either, unless
its idle time-out is due for renewal (at most once a minute): reading a page is not a write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from app.accounts.auth import SESSION_ENDED
from app.accounts.session_store import DatabaseStore, worth_renewing
from app.accounts.sign_in import ROTATE

COOKIE = "charter_session"  # the session cookie's name
CLEARED = "null"  # what Litestar's clearing cookie held (earlier versions sent it)
NEW_ID = "charter_new_session_id"
LOADED = "charter_session_loaded"  # (stored bytes, expires_at) as read at the request's start


class RotatingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.setdefault("state", {})
        if state.get(ROTATE):
            if NEW_ID not in state:
                state[NEW_ID] = self.generate_session_id()
            return str(state[NEW_ID])
        return super().get_session_id(connection)

    async def get(self, session_id: str, store: Store) -> bytes | None:
        # No renewal here: the answer stores the session again when it is due (store_in_message).
        return await store.get(session_id)

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        session_id = connection.cookies.get(self.config.key)
        store = self.config.get_store_from_app(connection.scope["litestar_app"])
        if not session_id or not isinstance(store, DatabaseStore):
            return await super().load_from_connection(connection)
        found = await store.read(session_id)
        if found is None:
            if session_id != CLEARED:  # idle too long, ended elsewhere, or never valid
                connection.scope.setdefault("state", {})[SESSION_ENDED] = True
            return {}
        connection.scope.setdefault("state", {})[LOADED] = found
        return self.deserialize_data(found[0])

    def _unchanged(self, data: bytes, connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
        """The session as it was read, and its idle time-out not yet due for renewal."""
        loaded: tuple[bytes, dt.datetime] | None = connection.scope.get("state", {}).get(LOADED)
        if loaded is None or loaded[0] != data or self.config.max_age is None:
            return False
        return not worth_renewing(loaded[1], int(self.config.max_age))

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        if message["type"] != "http.response.start":
            return
        state = connection.scope.get("state", {})
        old = connection.cookies.get(self.config.key)
        if state.get(ROTATE) and old:
            await self.delete(
                old, store=self.config.get_store_from_app(connection.scope["litestar_app"])
            )
        if scope_session is Empty or not scope_session:
            if old:  # ended, expired or never valid: forget it and clear the cookie
                if not state.get(ROTATE):  # (a rotation deleted it above)
                    store = self.config.get_store_from_app(connection.scope["litestar_app"])
                    await self.delete(old, store=store)
                self._set_cookie(message, "", max_age=0, expires=0)
            return
        if not state.get(ROTATE) and self._unchanged(
            self.serialize_data(scope_session, connection.scope), connection
        ):
            self._set_cookie(message, self.get_session_id(connection))
            return
        await super().store_in_message(scope_session, message, connection)

    def _set_cookie(self, message: Message, session_id: str, **overrides: Any) -> None:
        """The cookie as Litestar sets it after a store (its Max-Age restarts the browser's clock).
        To clear it, Max-Age=0: Litestar's own clearing cookie (the value "null", Expires now but
        Max-Age the idle time-out) stays in a browser, which heeds Max-Age over Expires."""
        params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        params.update(overrides)
        header = Cookie(value=session_id, key=self.config.key, **params).to_header(header="")
        MutableScopeHeaders.from_message(message).add("Set-Cookie", header)


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
