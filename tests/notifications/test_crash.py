"""A `charter notifications send` killed while the mail server has its first email, then run
again: every notification arrives exactly once (the real command, in its own processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

from httpx import AsyncClient

from tests.command import ROOT
from tests.notifications.support import Inbox, outbox, smtp_server
from tests.notifications.test_smtp import submitted_and_assigned


def sender(port: int) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "CHARTER_EMAIL": "smtp",
        "CHARTER_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "CHARTER_EMAIL_FROM": "charter@accreditation.example.gov.uk",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "notifications", "send"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_a_sender_killed_mid_send_loses_nothing_and_repeats_nothing(
    client: AsyncClient,
) -> None:
    await submitted_and_assigned(client)
    await submitted_and_assigned(client)  # eight emails (four leads now), committed, unsent
    release = threading.Event()
    inbox = Inbox(hold=release)
    with smtp_server(inbox) as (_, port):
        killed = sender(port)
        assert inbox.holding.wait(timeout=60), killed.communicate()
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        release.set()
        rows = await outbox()
        assert {r["state"] for r in rows} == {"pending"}  # nothing lost, nothing marked sent
        assert {r["tries"] for r in rows} == {0}

        again = sender(port)
        out, err = again.communicate(timeout=120)
        assert again.returncode == 0, err
        assert "Sent: 8; to try again later: 0; failed: 0" in out
    rows = await outbox()
    assert {r["state"] for r in rows} == {"sent"}
    ids = sorted(m.message["Message-ID"] for m in inbox.received)
    assert len(ids) == 8 and len(set(ids)) == 8
    assert sorted(str(i).strip().strip("<>").split("@")[0] for i in ids) == sorted(
        str(r["id"]) for r in rows
    )
    for row in rows:
        (mail,) = [m for m in inbox.received if str(row["id"]) in m.message["Message-ID"]]
        assert mail.rcpt_tos == [row["recipient"]]
