"""Moving a demo assessment's history into the past.

The demo plays every step through the real services, so everything happens within seconds of
now. Afterwards (in the same transaction) the timestamps of the assessment, its answers, status
changes, assignment, decisions, evidence, certificate and emails are moved onto a story timeline ending
`days_ago` days back: same order, with each lifecycle step separated by a realistic wait. This
is why these are direct UPDATEs rather than service calls: no service lets anyone rewrite time.
The audit record is left as it is: it is hash-chained and truthfully says when the demo ran.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from app.assessments.tables import Assessment, Response, StatusChange
from app.certificates import terms
from app.certificates.tables import Certificate
from app.evidence.tables import Evidence
from app.frameworks.model import Framework
from app.moderation.tables import Assignment, Decision, Moderation
from app.notifications.tables import Notification
from app.templating import LONDON

Clock = Callable[[dt.datetime], dt.datetime]
SAME_STEP = dt.timedelta(milliseconds=200)


def story_clock(
    real: Iterable[dt.datetime], steps: Iterable[dt.datetime], end: dt.datetime, span: dt.timedelta
) -> Clock:
    """Map real moments onto [end - span, end], keeping their order. Real seconds count as work
    (drafting 50 answers takes longer than one click) and each lifecycle step adds a wait as long
    as the average stretch of work, so a submission is not followed by an instant assignment."""
    moments = sorted(real)
    start, last = moments[0], moments[-1]
    step_times = sorted(steps)
    worked = max((last - start).total_seconds(), 1e-6)
    wait = worked / max(len(step_times), 1)

    def virtual(moment: dt.datetime) -> float:
        # A step's other writes (concluded_at, the decision) come a moment before its
        # StatusChange row, in the same call: they happen at the step, not a scaled-up while before.
        at = bisect.bisect_left(step_times, moment)
        if at < len(step_times) and step_times[at] - moment <= SAME_STEP:
            moment = step_times[at]
        waits = bisect.bisect_right(step_times, moment)
        return (moment - start).total_seconds() + wait * waits

    total = virtual(last) or 1.0

    def clock(moment: dt.datetime) -> dt.datetime:
        return end - span * (1 - virtual(moment) / total)

    return clock


async def _shift(table: Any, column: Any, rows: list[dict[str, Any]], clock: Clock) -> None:
    for row in rows:
        await table.update({column: clock(row[column._meta.name])}).where(table.id == row["id"])


async def backdate(
    assessment_id: UUID,
    evidence_ids: list[UUID],
    end: dt.datetime,
    span: dt.timedelta,
    framework: Framework,
) -> None:
    """Move the assessment's history to end at `end`, lasting `span`; re-date its certificate."""
    assessment = await Assessment.select().where(Assessment.id == assessment_id).first()
    assert assessment is not None
    changes = await StatusChange.select(StatusChange._meta.primary_key, StatusChange.at).where(
        StatusChange.assessment == assessment_id
    )
    responses = await Response.select(Response.id, Response.updated_at).where(
        Response.assessment == assessment_id
    )
    moderations = await Moderation.select(Moderation.id, Moderation.updated_at).where(
        Moderation.assessment == assessment_id
    )
    assignments = await Assignment.select(Assignment.id, Assignment.assigned_at).where(
        Assignment.assessment == assessment_id
    )
    decisions = await Decision.select(Decision.id, Decision.decided_at).where(
        Decision.assessment == assessment_id
    )
    evidence = (
        await Evidence.select(Evidence.id, Evidence.uploaded_at).where(
            Evidence.id.is_in(evidence_ids)
        )
        if evidence_ids
        else []
    )
    real = [assessment["created_at"]]
    real += [r["at"] for r in changes] + [r["updated_at"] for r in responses]
    real += [r["updated_at"] for r in moderations] + [r["assigned_at"] for r in assignments]
    real += [r["decided_at"] for r in decisions] + [r["uploaded_at"] for r in evidence]
    clock = story_clock(real, [r["at"] for r in changes], end, span)

    await _shift(StatusChange, StatusChange.at, changes, clock)
    await _shift(Response, Response.updated_at, responses, clock)
    await _shift(Moderation, Moderation.updated_at, moderations, clock)
    await _shift(Assignment, Assignment.assigned_at, assignments, clock)
    await _shift(Decision, Decision.decided_at, decisions, clock)
    await _shift(Evidence, Evidence.uploaded_at, evidence, clock)
    moved: dict[Any, Any] = {Assessment.created_at: clock(assessment["created_at"])}
    for column in (Assessment.submitted_at, Assessment.concluded_at):
        if assessment[column._meta.name] is not None:
            moved[column] = clock(assessment[column._meta.name])
    await Assessment.update(moved).where(Assessment.id == assessment_id)
    # Its emails were written with each step: they move with it (still pending: the demo runs
    # with CHARTER_EMAIL=none, which sends nothing).
    # (Found by the assessment they name: the demo's outbox is small.)
    emails = await Notification.select(
        Notification.id, Notification.created_at, Notification.context
    ).output(load_json=True)
    for row in emails:
        if row["context"].get("assessment_id") != str(assessment_id):
            continue
        written = clock(row["created_at"])
        await Notification.update(
            {Notification.created_at: written, Notification.next_attempt_at: written}
        ).where(Notification.id == row["id"])

    if assessment["concluded_at"] is not None:
        issued_at = clock(assessment["concluded_at"])
        issued = issued_at.astimezone(LONDON).date()
        terms_of = framework.certificate
        await Certificate.update(
            {
                Certificate.issued_at: issued_at,
                Certificate.issued_on: issued,
                Certificate.expires_on: terms.add_months(issued, terms_of.validity_months),
                Certificate.review_due_on: terms.add_months(issued, terms_of.review_months),
            }
        ).where(Certificate.assessment == assessment_id)
