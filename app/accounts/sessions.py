"""Server-side sessions in the database, whose id is replaced at sign-in and sign-out.

Litestar's backend keeps whatever id the client's cookie supplies; an attacker who planted a cookie
would then share the victim's signed-in session. Rotating on every privilege change prevents that.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Message, ScopeSession

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

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        state = connection.scope.get("state", {})
        old = connection.cookies.get(self.config.key)
        if state.get(ROTATE) and old and message["type"] == "http.response.start":
            await self.delete(old, store=self.config.get_store_from_app(connection.scope["litestar_app"]))
        await super().store_in_message(scope_session, message, connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend  # type: ignore[assignment]
