"""JSON API for the outbox (administrators)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter

from app.accounts.auth import current_actor, require_user
from app.notifications import service
from app.openapi import error_responses


class NotificationsController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]
    guards = [require_user]

    @get("/", responses=error_responses(403, 422))
    async def list_notifications(
        self,
        request: Request[Any, Any, Any],
        which: Annotated[
            str | None, QueryParameter(name="state", description="pending, sent or failed")
        ] = None,
        page: Annotated[
            int,
            QueryParameter(
                name="page",
                ge=1,
                le=service.MAX_PAGE,
                description="1 for the newest 50, 2 for the next",
            ),
        ] = 1,
    ) -> list[dict[str, Any]]:
        """Administrators: the email outbox, newest first, 50 a page: each email's event,
        recipient, subject, state (pending, sent or failed), tries, last error and next try."""
        found = await service.outbox(current_actor(request), page=page, state=which)
        return [service.as_json(row) for row in found.items]

    @post("/{notification_id:str}/retry", status_code=200, responses=error_responses(403, 404, 409))
    async def retry(
        self, request: Request[Any, Any, Any], notification_id: FromPath[str]
    ) -> dict[str, Any]:
        """Administrators: send a failed email again (it is pending, due now, with a fresh
        round of tries); 409 for one that has not failed."""
        return await service.retry(current_actor(request), notification_id)
