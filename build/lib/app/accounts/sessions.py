"""Server-side sessions in the database, whose id is replaced at sign-in and sign-out.

Litestar's backend keeps whatever id the client's cookie supplies; an attacker who planted a cookie
would then share the victim's signed-in session. Rotating on every privilege change prevents that.
Only signed-in sessions are stored: a visitor who never signs in costs no database write and gets
no session cookie.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession

from app.accounts.sign_in import ROTATE

NEW_ID = "charter_new_session_id"


class RotatingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.setdefault("state", {})
        if state.get(ROTATE):
            if NEW_ID not in state:
                state[NEW_ID] = self.generate_session_id()
            return str(state[NEW_ID])
        return super().get_session_id(connection)

    async def get(self, session_id: str, store: Store) -> bytes | None:
        # No renewal here: every answer to a signed-in request stores the session again, which
        # renews it (the idle time-out); renewing on read as well would double the writes.
        return await store.get(session_id)

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
                await super().store_in_message(Empty, message, connection)
            return
        await super().store_in_message(scope_session, message, connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
