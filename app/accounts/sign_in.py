"""Starting and ending a signed-in session, with a fresh session id each time (no fixation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request

from app.accounts import service
from app.accounts.actor import Actor
from app.accounts.auth import SESSION_STARTED, SESSION_USER

ROTATE = "rotate_session_id"


def actor_dict(actor: Actor) -> dict[str, Any]:
    return {
        "id": str(actor.id),
        "email": actor.email,
        "name": actor.name,
        "role": actor.role.value,
        "organisation_id": str(actor.organisation_id) if actor.organisation_id else None,
    }


async def sign_in(request: Request[Any, Any, Any], email: str, password: str) -> Actor | None:
    actor = await service.authenticate(email, password)
    if actor is None:
        return None
    request.scope.setdefault("state", {})[ROTATE] = True
    request.set_session(
        {SESSION_USER: str(actor.id), SESSION_STARTED: dt.datetime.now(dt.UTC).isoformat()}
    )
    return actor


def sign_out(request: Request[Any, Any, Any]) -> None:
    request.scope.setdefault("state", {})[ROTATE] = True
    request.clear_session()
