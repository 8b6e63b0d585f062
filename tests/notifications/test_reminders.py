"""The reminder pass, with the clock set: each occasion is written once however often the pass
runs (in-process or as `charter notifications send --today`), to the organisation's active
leads who want reminders, and arrives as one email each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.accounts.tables import User
from app.certificates.tables import Certificate
from app.notifications import reminders
from app.notifications.sending import send_due
from app.notifications.tables import Notification, ReminderChoice
from app.settings import Settings
from tests.certificates.support import issued_certificate
from tests.command import charter
from tests.factories import bearer, make_organisation, make_user
from tests.notifications.support import outbox, smtp_server, smtp_settings


async def leads_of(organisation: dict[str, Any]) -> list[str]:
    rows = await User.select(User.email).where(
        (User.organisation == organisation["id"])
        & (User.role == "dept_lead")
        & User.active.eq(True)
    )
    return sorted(r["email"] for r in rows)


def events(rows: list[dict[str, Any]], event: str) -> list[str]:
    return sorted(r["recipient"] for r in rows if r["event"] == event)


async def test_a_certificate_60_days_from_expiry_reminds_its_leads_once(
    settings: Settings,
) -> None:
    org, _, certificate = await issued_certificate()
    lead = await make_user("dept_lead", org)
    await make_user("dept_lead", org, active=False)
    await make_user("dept_contributor", org)
    quiet = await make_user("dept_lead", org)
    await ReminderChoice(
        user=quiet["id"], reminders=False, changed_at=dt.datetime.now(dt.UTC)
    ).save()
    expires = dt.date.fromisoformat(certificate["expires_on"])
    wanted = sorted(set(await leads_of(org)) - {quiet["email"]})
    assert lead["email"] in wanted and len(wanted) == 2

    assert await reminders.run(today=expires - dt.timedelta(days=61)) == 0
    assert await Notification.count() == 0
    assert await reminders.run(today=expires - dt.timedelta(days=60)) == 2
    assert await reminders.run(today=expires - dt.timedelta(days=60)) == 0  # the same day again
    assert await reminders.run(today=expires - dt.timedelta(days=30)) == 0  # a later day
    ran = charter("notifications", "send", "--today", (expires - dt.timedelta(days=59)).isoformat())
    assert ran.returncode == 0, ran.stderr
    assert "Reminders written: 0" in ran.stdout
    assert "CHARTER_EMAIL is none: nothing is sent" in ran.stdout
    rows = await outbox()
    assert events(rows, "certificate_expiring") == wanted
    assert {r["subject"] for r in rows} == {
        f"Certificate expiring on {expires.day} {expires:%B %Y}: Ministry of Examples"
    }

    with smtp_server() as (inbox, port):
        done = await send_due(smtp_settings(settings, f"smtp://127.0.0.1:{port}"))
        assert (await reminders.run(today=expires - dt.timedelta(days=60))) == 0
        assert (await send_due(smtp_settings(settings, f"smtp://127.0.0.1:{port}"))).sent == 0
    assert done.sent == 2
    assert sorted(r for m in inbox.received for r in m.rcpt_tos) == wanted
    text = inbox.received[0].text
    assert "Gold Service Award" in text or "Silver Service Award" in text
    assert f"{settings.base_url}/verify/{certificate['id']}" in text
    assert f"{settings.base_url}/account/reminders" in text  # how to turn them off


async def test_a_review_reminds_60_then_14_days_before_it_falls_due() -> None:
    org, _, certificate = await issued_certificate()
    due = dt.date.fromisoformat(certificate["review_due_on"])
    leads = await leads_of(org)
    for days, written in [(61, 0), (60, 1), (60, 0), (15, 0), (14, 1), (14, 0), (3, 0)]:
        got = await reminders.run(today=due - dt.timedelta(days=days))
        assert got == written * len(leads), days
    rows = await outbox()
    assert events(rows, "review_due_60") == leads
    assert events(rows, "review_due_14") == leads
    assert {r["subject"] for r in rows} == {
        f"Review due on {due.day} {due:%B %Y}: Ministry of Examples"
    }


async def test_a_revoked_certificate_reminds_nobody() -> None:
    _, _, certificate = await issued_certificate()
    await Certificate.update({Certificate.revoked_at: dt.datetime.now(dt.UTC)}).where(
        Certificate.id == certificate["id"]
    )
    expires = dt.date.fromisoformat(certificate["expires_on"])
    assert await reminders.run(today=expires - dt.timedelta(days=30)) == 0
    assert await Notification.count() == 0


async def test_an_overdue_action_reminds_the_leads_once_each_time_its_due_date_is_missed(
    client, settings: Settings
) -> None:
    org = await make_organisation(slug="dept-late", name="Department of Late Things")
    lead = await make_user("dept_lead", org)
    contributor = await make_user("dept_contributor", org)
    await make_user("dept_lead", org, active=False)
    due = dt.date(2026, 3, 31)
    made = await client.post(
        "/api/v1/organisations/dept-late/actions",
        json={"title": "Publish complaint times", "due_on": due.isoformat()},
        headers=await bearer(contributor),
    )
    assert made.status_code == 201, made.text
    action = made.json()
    done = await client.post(
        "/api/v1/organisations/dept-late/actions",
        json={"title": "Already finished", "due_on": due.isoformat()},
        headers=await bearer(lead),
    )
    finished = await client.patch(
        f"/api/v1/actions/{done.json()['id']}",
        json={"status": "done", "progress_note": "Done early"},
        headers=await bearer(lead),
    )
    assert finished.status_code == 200, finished.text

    for day, written in [
        (due, 0),
        (due + dt.timedelta(days=1), 1),
        (due + dt.timedelta(days=9), 0),
    ]:
        assert await reminders.run(today=day) == written, day
    rows = await outbox()
    assert events(rows, "action_overdue") == [lead["email"]]  # leads only, active only
    assert (
        rows[0]["subject"] == "Action overdue: Publish complaint times (Department of Late Things)"
    )

    # A new due date that is missed again is a new occasion: one more reminder.
    moved = await client.patch(
        f"/api/v1/actions/{action['id']}",
        json={"due_on": (due + dt.timedelta(days=30)).isoformat()},
        headers=await bearer(lead),
    )
    assert moved.status_code == 200, moved.text
    assert await reminders.run(today=due + dt.timedelta(days=30)) == 0
    assert await reminders.run(today=due + dt.timedelta(days=31)) == 1
    assert await reminders.run(today=due + dt.timedelta(days=31)) == 0

    with smtp_server() as (inbox, port):
        sent = await send_due(smtp_settings(settings, f"smtp://127.0.0.1:{port}"))
    assert sent.sent == 2
    text = inbox.received[0].text
    assert "was due on 31 March 2026" in text
    link = f"{settings.base_url}/actions/{action['id']}"
    assert link in text
    page = await client.get(link.removeprefix(settings.base_url), headers=await bearer(lead))
    assert page.status_code == 200
    assert "Publish complaint times" in page.text
