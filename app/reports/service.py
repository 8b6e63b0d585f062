"""Board reports: who may read one, the data it is built from, and its HTML and PDF renderings."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import datetime as dt
import functools
import hashlib
from pathlib import Path
from typing import Any
from uuid import UUID

from app import db
from app.accounts.actor import Actor
from app.accounts.policy import can_see_assessment
from app.actions import service as actions
from app.actions.tables import ActionProgress, PlanAction
from app.assessments.tables import Assessment, Response
from app.certificates.tables import Certificate
from app.errors import Conflict, NotFound, TooBusy
from app.frameworks.service import framework_for
from app.league_tables.tables import LeagueTable
from app.moderation.tables import Assignment, Moderation
from app.organisations.tables import Organisation
from app.reports import board, pdf
from app.reports.tables import RenderedReport
from app.templating import LONDON, environment

CONCLUDED = "concluded"
TEMPLATES = Path(__file__).resolve().parent / "templates"
RENDERS_PER_PERSON = 2  # different reports one person may have rendering at once
RENDERS_WAITING = 8  # renders queued for a worker in this process before new ones are refused
RETRY_AFTER_SECONDS = 10


async def _visible_assessment(actor: Actor, assessment_id: UUID) -> dict[str, Any]:
    row = await Assessment.select().where(Assessment.id == assessment_id).first()
    if row is None:
        raise NotFound("No such assessment")
    assigned = await Assignment.select(Assignment.assessor).where(
        (Assignment.assessment == assessment_id) & (Assignment.active.eq(True))
    )
    if not can_see_assessment(actor, row, {a["assessor"] for a in assigned}):
        raise NotFound("No such assessment")
    return row


async def _previous(row: dict[str, Any], slug: str) -> dict[str, Any] | None:
    """The organisation's latest concluded assessment of the same framework before this one."""
    query = Assessment.select(
        *Assessment.all_columns(), Assessment.framework_version.version.as_alias("version")
    ).where(
        (Assessment.organisation == row["organisation"])
        & (Assessment.status == CONCLUDED)
        & (Assessment.framework_version.slug == slug)
        & (Assessment.id != row["id"])
    )
    if row["concluded_at"] is not None:
        query = query.where(Assessment.concluded_at < row["concluded_at"])
    return await query.order_by(Assessment.concluded_at, ascending=False).first()


def _marked(rows: list[dict[str, Any]]) -> dict[str, board.Marked]:
    return {
        r["element_code"]: board.Marked(
            score=r["score"],
            not_applicable=bool(r["not_applicable"]),
            rationale=r.get("rationale") or "",
            strength=r.get("strength") or "",
            improvement=r.get("improvement") or "",
        )
        for r in rows
    }


async def board_report(actor: Actor, assessment_id: UUID) -> board.BoardReport:
    """The report's content, for anyone who may see the assessment, once it is concluded."""
    row = await _visible_assessment(actor, assessment_id)
    if row["status"] != CONCLUDED:
        raise Conflict(
            f"This assessment is {row['status'].replace('_', ' ')}: a board report is available "
            "once it is concluded",
            state=row["status"],
        )
    framework_row, framework = await framework_for(row["framework_version"])
    organisation = await Organisation.select().where(Organisation.id == row["organisation"]).first()
    responses = await Response.select(
        Response.element_code, Response.score, Response.not_applicable
    ).where(Response.assessment == assessment_id)
    moderations = await Moderation.select(
        Moderation.element_code,
        Moderation.score,
        Moderation.not_applicable,
        Moderation.rationale,
        Moderation.strength,
        Moderation.improvement,
    ).where(Moderation.assessment == assessment_id)
    previous_row = await _previous(row, framework.slug)
    previous, previous_framework = None, None
    if previous_row is not None:
        _, previous_framework = await framework_for(previous_row["framework_version"])
        previous = board.Previous(
            version=previous_row["version"],
            concluded_on=_local_date(previous_row["concluded_at"]),
            award_label=previous_row["award_label"],
            moderated_result=previous_row["moderated_result"],
        )
    league_table = await (
        LeagueTable.select(LeagueTable.title, LeagueTable.as_of, LeagueTable.rows)
        .where(LeagueTable.framework_slug == framework.slug)
        .order_by(LeagueTable.published_at, ascending=False)
        .first()
    )
    certificate = (
        await Certificate.select(Certificate.id, Certificate.expires_on)
        .where(Certificate.assessment == assessment_id)
        .first()
    )
    report = board.build(
        assessment_id=str(assessment_id),
        organisation=organisation or {"name": "Unknown organisation"},
        framework=framework,
        framework_row=framework_row,
        assessment={**row, "concluded_at": _local_date(row["concluded_at"])},
        responses=_marked(responses),
        moderations=_marked(moderations),
        previous=previous,
        previous_framework=previous_framework,
        league_table=league_table,
        certificate=certificate,
        today=dt.datetime.now(LONDON).date(),
    )
    return dataclasses.replace(report, tracked=await _tracked_actions(row["organisation"]))


async def _tracked_actions(organisation_id: UUID) -> list[board.TrackedAction]:
    """The organisation's action plan, overdue first, then by due date."""
    rows = (
        await PlanAction.select(
            PlanAction.id,
            PlanAction.title,
            PlanAction.element_code,
            PlanAction.due_on,
            PlanAction.status,
            PlanAction.owner.name.as_alias("owner_name"),
        )
        .where(PlanAction.organisation == organisation_id)
        .order_by(PlanAction.due_on)
        .limit(actions.LIST_LIMIT)
    )
    notes: dict[UUID, str] = {}
    if rows:
        progress = (
            await ActionProgress.select(ActionProgress.action, ActionProgress.progress_note)
            .where(
                ActionProgress.action.is_in([r["id"] for r in rows])
                & (ActionProgress.progress_note != "")
            )
            .order_by(ActionProgress.at)
        )
        notes = {p["action"]: p["progress_note"] for p in progress}  # the latest wins
    tracked = [
        board.TrackedAction(
            title=r["title"],
            element=r["element_code"],
            owner=r["owner_name"],
            due_on=r["due_on"],
            status=actions.label(r["status"]),
            overdue=actions.is_overdue(r["due_on"], r["status"]),
            latest_note=notes.get(r["id"], ""),
        )
        for r in rows
    ]
    return sorted(tracked, key=lambda a: not a.overdue)


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return value.astimezone(LONDON).date() if value is not None else None


def report_html(report: board.BoardReport) -> str:
    """The standalone document WeasyPrint lays out (print stylesheet, cover, contents)."""
    return environment().get_template("reports/board_report.html").render(report=report)


@functools.cache
def _layout_hash() -> bytes:
    """The report's templates and stylesheets: a new release that draws it differently renders
    it again."""
    digest = hashlib.sha256()
    for folder in (TEMPLATES, pdf.REPORT_ASSETS):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.digest()


def content_hash(report: board.BoardReport) -> str:
    """What the report shows, as a hash: its content (a frozen dataclass, whose repr is exact)
    with the day it is generated left out, and the layout that draws it. Cheaper than its HTML,
    and worked out on the event loop for every request."""
    undated = dataclasses.replace(report, generated_on=dt.date.min)
    return hashlib.sha256(_layout_hash() + repr(undated).encode()).hexdigest()


async def _stored(assessment_id: UUID, key: str) -> bytes | None:
    row = (
        await RenderedReport.select(RenderedReport.pdf)
        .where(
            (RenderedReport.assessment == assessment_id) & (RenderedReport.content_sha256 == key)
        )
        .first()
    )
    return bytes(row["pdf"]) if row else None


async def _render_and_keep(report: board.BoardReport, assessment_id: UUID, key: str) -> bytes:
    data = await pdf.render(report_html(report))
    async with db.transaction():
        # Another process may have kept the same rendering meanwhile: the latest one wins.
        await RenderedReport.delete().where(RenderedReport.assessment == assessment_id)
        await RenderedReport(assessment=assessment_id, content_sha256=key, pdf=data).save()
    return data


# Renders in progress in this process: by content hash (asked twice, rendered once) and by person.
_flights: dict[str, asyncio.Future[bytes]] = {}
_renders_by: collections.Counter[UUID] = collections.Counter()


def _start(actor: Actor, report: board.BoardReport, assessment_id: UUID, key: str) -> Any:
    if _renders_by[actor.id] >= RENDERS_PER_PERSON or pdf.waiting() >= RENDERS_WAITING:
        raise TooBusy(
            "Board reports are being prepared for you already. This one will be ready shortly",
            retry_after=RETRY_AFTER_SECONDS,
        )
    _renders_by[actor.id] += 1
    flight = asyncio.ensure_future(_render_and_keep(report, assessment_id, key))
    _flights[key] = flight

    def done(_: asyncio.Future[bytes]) -> None:
        _flights.pop(key, None)
        _renders_by[actor.id] -= 1
        if _renders_by[actor.id] <= 0:
            del _renders_by[actor.id]

    flight.add_done_callback(done)
    return flight


async def board_report_pdf(actor: Actor, assessment_id: UUID) -> tuple[str, bytes]:
    """(file name, PDF bytes). Rendered once for what it shows, then kept: asking again answers the
    kept bytes; asking while it renders waits for the same render. TooBusy when this person has
    RENDERS_PER_PERSON renders in progress already (or too many wait here)."""
    report = await board_report(actor, assessment_id)
    key = content_hash(report)
    filename = f"board-report-{assessment_id}.pdf"
    data = await _stored(assessment_id, key)
    if data is not None:
        return filename, data
    flight = _flights.get(key) or _start(actor, report, assessment_id, key)
    # Shielded: a person who gives up does not cancel the render others wait for.
    return filename, await asyncio.shield(flight)
