"""The SMTP sender against a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, and the
faults: a 4xx answer retried, a 5xx failed, TLS from the start, STARTTLS, TLS refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from httpx import AsyncClient

from app.accounts.tables import User
from app.notifications.sending import DELAYS, MAX_TRIES, send_due
from app.notifications.tables import Notification, NotificationAttempt
from app.settings import Settings
from tests.moderation.support import API, Team, assign, make_team
from tests.notifications.support import (
    FROM,
    Inbox,
    later,
    outbox,
    self_signed,
    smtp_server,
    smtp_settings,
)
from tests.notifications.test_events import draft

LINK = re.compile(r"https?://\S+")


async def submitted_and_assigned(client: AsyncClient) -> tuple[Team, Any]:
    team = await make_team()
    assessment = await draft(team)
    aid = assessment["id"]
    assert (await client.post(f"{API}/{aid}/submit", headers=team.as_("dept_lead"))).is_success
    assert (await assign(client, team, aid)).status_code == 200
    return team, aid


async def test_each_email_arrives_once_with_its_words_and_a_link_to_the_readers_page(
    client: AsyncClient, settings: Settings
) -> None:
    team, aid = await submitted_and_assigned(client)
    with smtp_server() as (inbox, port):
        smtp = smtp_settings(settings, f"smtp://127.0.0.1:{port}")
        done = await send_due(smtp)
        assert (done.sent, done.retrying, done.failed) == (3, 0, 0)
        assert (await send_due(smtp, now=later(3600))).sent == 0  # nothing is sent twice
    assert len(inbox.received) == 3
    for person, subject in [
        (team.lead, "Assessment submitted: Department for Testing"),
        (team.decider, "Assessment submitted: Department for Testing"),
        (team.assessor, "You have been assigned to moderate Department for Testing"),
    ]:
        (mail,) = inbox.to(person["email"])
        assert mail.rcpt_tos == [person["email"]]
        assert mail.mail_from == "charter@accreditation.example.gov.uk"
        assert mail.message["From"] == FROM
        assert mail.message["To"] == person["email"]
        assert mail.message["Subject"] == subject
        text = mail.text
        assert text.startswith(f"Dear {person['name']},")
        assert "Department for Testing" in text
        links = LINK.findall(text)
        assert links and all(link.startswith(settings.base_url + "/") for link in links)
        page = links[0].removeprefix(settings.base_url)
        assert page == f"/moderation/{aid}"
        opened = await client.get(page, headers=team.as_(_who(team, person)))
        assert opened.status_code == 200, page
        title = BeautifulSoup(opened.text, "html.parser").title
        assert title is not None and "Department for Testing" in title.text
    rows = await outbox()
    assert {r["state"] for r in rows} == {"sent"}
    assert all(r["tries"] == 1 and r["sent_at"] is not None for r in rows)
    assert await NotificationAttempt.count() == 3


def _who(team: Team, person: dict[str, Any]) -> str:
    for name in ("lead", "decider", "assessor", "dept_lead"):
        if getattr(team, name)["id"] == person["id"]:
            return name
    raise AssertionError(person)


async def test_a_4xx_answer_is_tried_again_within_a_minute(
    client: AsyncClient, settings: Settings
) -> None:
    await submitted_and_assigned(client)
    inbox = Inbox(answers=["451 4.3.0 Try again later"])
    with smtp_server(inbox) as (_, port):
        smtp = smtp_settings(settings, f"smtp://127.0.0.1:{port}")
        first = await send_due(smtp)
        assert (first.sent, first.retrying) == (2, 1)
        rows = await outbox()
        (waiting,) = [r for r in rows if r["state"] == "pending"]
        assert waiting["tries"] == 1
        assert "451" in waiting["last_error"] and "Try again later" in waiting["last_error"]
        gap = waiting["next_attempt_at"] - waiting["created_at"]
        assert 0 < gap.total_seconds() <= 60
        assert (await send_due(smtp)).sent == 0  # not due yet
        second = await send_due(smtp, now=later(61))
        assert second.sent == 1
    rows = await outbox()
    assert {r["state"] for r in rows} == {"sent"}
    assert [r["tries"] for r in rows if r["id"] == waiting["id"]] == [2]
    assert len(inbox.received) == 3
    errors = await NotificationAttempt.select(NotificationAttempt.error).where(
        NotificationAttempt.notification == waiting["id"]
    )
    assert [bool(e["error"]) for e in errors] == [True, False]


async def test_a_5xx_answer_fails_the_email_with_the_servers_words(
    client: AsyncClient, settings: Settings
) -> None:
    await submitted_and_assigned(client)
    inbox = Inbox(answers=["550 5.1.1 No such mailbox"])
    with smtp_server(inbox) as (_, port):
        done = await send_due(smtp_settings(settings, f"smtp://127.0.0.1:{port}"))
    assert (done.sent, done.failed) == (2, 1)
    (failed,) = [r for r in await outbox() if r["state"] == "failed"]
    assert failed["tries"] == 1
    assert "550" in failed["last_error"] and "No such mailbox" in failed["last_error"]


async def test_smtps_speaks_tls_from_the_start(
    client: AsyncClient, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await submitted_and_assigned(client)
    cert = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert.cert))  # trust this one certificate
    with smtp_server(implicit_tls=cert.server_context()) as (inbox, port):
        done = await send_due(smtp_settings(settings, f"smtps://127.0.0.1:{port}"))
    assert done.sent == 3
    assert len(inbox.received) == 3


async def test_smtp_upgrades_with_starttls_when_the_server_offers_it(
    client: AsyncClient, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await submitted_and_assigned(client)
    cert = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert.cert))
    # The server refuses mail until the client has upgraded to TLS.
    with smtp_server(starttls=cert.server_context()) as (inbox, port):
        done = await send_due(smtp_settings(settings, f"smtp://127.0.0.1:{port}"))
    assert done.sent == 3
    assert len(inbox.received) == 3


async def test_tls_refused_is_tried_again_then_failed_after_the_last_try(
    client: AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    await submitted_and_assigned(client)
    cert = self_signed(tmp_path)  # not trusted: the client refuses the server's certificate
    with smtp_server(implicit_tls=cert.server_context()) as (inbox, port):
        smtp = smtp_settings(settings, f"smtps://127.0.0.1:{port}")
        first = await send_due(smtp)
        assert (first.sent, first.retrying) == (0, 3)
        row = (await outbox())[0]
        assert "TLS" in row["last_error"] and "certificate" in row["last_error"].lower()
        clock = 0.0
        for delay in DELAYS:
            clock += delay
            await send_due(smtp, now=later(clock + 1))
    assert inbox.received == []
    rows = await outbox()
    assert {r["state"] for r in rows} == {"failed"}
    assert {r["tries"] for r in rows} == {MAX_TRIES}
    # At most a minute apart in the first ten minutes, then further apart.
    assert sum(DELAYS[: DELAYS.index(300)]) >= 600 - 60
    assert max(DELAYS[: DELAYS.index(300)]) <= 60
    assert await NotificationAttempt.count() == 3 * MAX_TRIES
    assert (await send_due(smtp, now=later(10**6))).sent == 0  # failed ones are left alone


async def test_the_user_and_password_in_the_url_log_in_over_starttls(
    client: AsyncClient, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await submitted_and_assigned(client)
    cert = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert.cert))
    logins = {"relay@dept.gov.uk": "p@ss word:1"}
    with smtp_server(starttls=cert.server_context(), logins=logins) as (inbox, port):
        wrong = smtp_settings(settings, f"smtp://relay%40dept.gov.uk:guess@127.0.0.1:{port}")
        refused = await send_due(wrong)
        assert refused.failed == 3  # 535: a wrong password is not tried again and again
        assert {r["last_error"][:34] for r in await outbox()} == {
            "The mail server answered 535 5.7.8"
        }
        await Notification.update({Notification.state: "pending"}).where(
            Notification.state == "failed"
        )
        right = f"smtp://relay%40dept.gov.uk:p%40ss%20word%3A1@127.0.0.1:{port}"
        assert (await send_due(smtp_settings(settings, right))).sent == 3
    assert inbox.logged_in == ["relay@dept.gov.uk"] * 3
    assert len(inbox.received) == 3


async def test_someone_deactivated_after_an_email_was_written_never_gets_it(
    client: AsyncClient, settings: Settings
) -> None:
    team, _ = await submitted_and_assigned(client)
    await User.update({User.active: False}).where(User.id == team.assessor["id"])
    with smtp_server() as (inbox, port):
        done = await send_due(smtp_settings(settings, f"smtp://127.0.0.1:{port}"))
    assert (done.sent, done.failed) == (2, 1)
    assert team.assessor["email"] not in [r for m in inbox.received for r in m.rcpt_tos]
    (failed,) = [r for r in await outbox() if r["state"] == "failed"]
    assert failed["last_error"] == f"{team.assessor['email']} was deactivated before it was sent"
