"""The server sends by itself: a real server process (uvicorn, create_app) with CHARTER_EMAIL=smtp
delivers an email committed by someone else within 30 s, and reminds on its own."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from httpx import AsyncClient

from tests.hostile.server import Server
from tests.notifications.support import outbox, smtp_server
from tests.notifications.test_smtp import submitted_and_assigned


async def test_the_server_sends_what_is_due_within_30_seconds(
    client: AsyncClient, tmp_path: Path
) -> None:
    with smtp_server() as (inbox, port):
        server = Server(
            database_url=os.environ["CHARTER_DATABASE_URL"],
            home=tmp_path,
            extra_env={
                "CHARTER_EMAIL": "smtp",
                "CHARTER_SMTP_URL": f"smtp://127.0.0.1:{port}",
                "CHARTER_EMAIL_FROM": "charter@accreditation.example.gov.uk",
            },
        )
        await server.start()
        try:
            team, _ = await submitted_and_assigned(client)  # committed here, not in the server
            committed = time.monotonic()
            while len(inbox.received) < 3 and time.monotonic() - committed < 30:
                await asyncio.sleep(0.2)
            took = time.monotonic() - committed
        finally:
            server.kill()
    assert len(inbox.received) == 3, server.log()
    assert took <= 30
    assert sorted(r for m in inbox.received for r in m.rcpt_tos) == sorted(
        [team.lead["email"], team.decider["email"], team.assessor["email"]]
    )
    assert {r["state"] for r in await outbox()} == {"sent"}
