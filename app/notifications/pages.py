"""The administrators' outbox page, and each person's choice of reminders on their account."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from app.accounts.auth import current_actor, require_user
from app.audit.pagination import pagination
from app.notifications import service
from app.notifications.events import label
from app.notifications.sending import MAX_TRIES


def _see_other(path: str) -> Redirect:
    return Redirect(path, status_code=303)


def _page_number(value: str) -> int:
    number = int(value) if value.isdigit() and len(value) < 7 else 1
    return min(max(number, 1), service.MAX_PAGE)


class OutboxPages(Controller):
    path = "/admin/notifications"
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        which: Annotated[str, QueryParameter(name="state")] = "",
        page: str = "1",
        retried: str = "",
    ) -> Template:
        actor = current_actor(request)
        number = _page_number(page)
        wanted = which if which in service.STATES else ""
        found = await service.outbox(actor, page=number, state=wanted or None)
        return Template(
            "notifications/outbox.html",
            context={
                "found": found,
                "state": wanted,
                "states": service.STATES,
                "retried": retried == "yes",
                "max_tries": MAX_TRIES,
                "pagination": pagination(
                    number, service.PER_PAGE, found.total, self.path, {"state": wanted}
                ),
                "current_user": actor,
            },
        )

    @get("/{notification_id:uuid}")
    async def show(
        self, request: Request[Any, Any, Any], notification_id: FromPath[UUID]
    ) -> Template:
        actor = current_actor(request)
        row = await service.one(actor, notification_id)
        return Template(
            "notifications/notification.html",
            context={
                "item": row,
                "label": label(row["event"]),
                "attempts": await service.attempts(actor, notification_id),
                "current_user": actor,
            },
        )

    @post("/{notification_id:uuid}/retry")
    async def retry(
        self, request: Request[Any, Any, Any], notification_id: FromPath[UUID]
    ) -> Redirect:
        await service.retry(current_actor(request), notification_id)
        return _see_other(f"{self.path}?state=pending&retried=yes")


class ReminderPages(Controller):
    path = "/account/reminders"
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def show(self, request: Request[Any, Any, Any], saved: str = "") -> Template:
        actor = current_actor(request)
        return _reminders_page(actor, await service.wants_reminders(actor), saved == "yes")

    @post("/")
    async def choose(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        actor = current_actor(request)
        choice = str((await request.form()).get("reminders", ""))
        if choice not in ("on", "off"):
            return _reminders_page(
                actor,
                await service.wants_reminders(actor),
                False,
                {"reminders": "Select whether you want reminders by email"},
            )
        await service.choose_reminders(actor, choice == "on")
        return _see_other(f"{self.path}?saved=yes")


def _reminders_page(
    actor: Any, wanted: bool, saved: bool, errors: dict[str, str] | None = None
) -> Template:
    return Template(
        "notifications/reminders.html",
        context={
            "wanted": wanted,
            "saved": saved,
            "errors": errors or {},
            "current_user": actor,
        },
        status_code=400 if errors else 200,
    )
