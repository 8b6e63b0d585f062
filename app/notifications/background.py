"""The server's own sender: every few seconds it sends what is due, and now and then it runs the
reminder pass; `charter notifications send` does the same once, and both may run at once."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from dataclasses import dataclass

from litestar import Litestar

from app.notifications import reminders, sending
from app.notifications.sending import Sent
from app.settings import Settings

log = logging.getLogger("charter.notifications")

SEND_EVERY_SECONDS = 10  # the contract: what is due is sent within 30 s
REMIND_EVERY_SECONDS = 600
_TASK = "notifications_task"


@dataclass(frozen=True)
class Pass:
    reminders: int
    sent: Sent


async def once(
    settings: Settings, today: dt.date | None = None, now: dt.datetime | None = None
) -> Pass:
    """The reminder pass, then every item due sent (for CHARTER_EMAIL=none: kept)."""
    written = await reminders.run(today=today, now=now)
    return Pass(reminders=written, sent=await sending.send_due(settings, now=now))


async def _forever(settings: Settings) -> None:
    reminded_at = float("-inf")
    while True:
        try:
            if time.monotonic() - reminded_at >= REMIND_EVERY_SECONDS:
                await reminders.run()
                reminded_at = time.monotonic()
            await sending.send_due(settings)
        except Exception:  # a database or mail outage must not stop the next pass
            log.exception("the notifications pass failed; trying again shortly")
        await asyncio.sleep(SEND_EVERY_SECONDS)


async def start(app: Litestar) -> None:
    setattr(app.state, _TASK, asyncio.create_task(_forever(app.state.settings)))


async def stop(app: Litestar) -> None:
    task = getattr(app.state, _TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
