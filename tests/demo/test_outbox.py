"""The demo's outbox: the story's steps wrote their emails through the real services, dated with
the story, and with CHARTER_EMAIL=none every one is still pending (and the demo says so)."""

from __future__ import annotations

import datetime as dt

from app.assessments.tables import StatusChange
from app.notifications.tables import Notification


async def test_the_story_left_a_history_of_emails_none_of_them_sent(demo: str) -> None:
    rows = await Notification.select(
        Notification.event, Notification.state, Notification.created_at
    )
    events = {r["event"] for r in rows}
    assert {
        "assessment_submitted",
        "assessor_assigned",
        "assessment_returned",
        "assessment_resubmitted",
        "decision_made",
    } <= events
    assert {r["state"] for r in rows} == {"pending"}
    story = await StatusChange.select(StatusChange.at).order_by(StatusChange.at).first()
    assert story is not None
    oldest = min(r["created_at"] for r in rows)
    assert oldest < dt.datetime.now(dt.UTC) - dt.timedelta(days=365)  # dated with the story
    assert abs(oldest - story["at"]) < dt.timedelta(days=30)
    assert f"{len(rows)} emails wait in the outbox" in demo
    assert "with CHARTER_EMAIL=none, the default, nothing is sent" in demo
