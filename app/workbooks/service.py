"""Workbook use cases: download an assessment as a spreadsheet, and store what comes back.

An upload changes answers only through the assessments service (the web form's checks, audit
and revisions), all of them in one transaction, so a bad or stale workbook stores nothing.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app import db
from app.accounts import policy
from app.accounts.actor import Actor
from app.assessments import lifecycle
from app.assessments import service as assessments
from app.assessments.views import AssessmentView, ResponseView
from app.audit.service import record
from app.errors import Conflict, Forbidden, Invalid
from app.evidence.tables import Evidence
from app.frameworks.model import Framework
from app.workbooks import answers, reading, writing
from app.workbooks.layout import Kind, cell_text, sheet_name

FIXED_SELF_COLUMNS = 4  # code, criterion, statement, guidance: as the framework says
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cover(view: AssessmentView) -> list[str]:
    fw = view.framework_row
    allowed = (
        f'choose "{answers.NOT_APPLICABLE}" and say why in the narrative'
        if view.framework.scale.allow_not_applicable
        else "every element must be scored (this framework has no 'not applicable')"
    )
    return [
        f"{fw['title']} (version {fw['version']}): self-assessment of {view.organisation['name']}",
        "This workbook lets you draft your answers offline, with colleagues, then upload them "
        "to Charter from the assessment's page.",
        "How to fill it in: each theme has its own sheet and each element its own row. Choose a "
        "score from the drop-down in the Score column and write your narrative beside it. Where "
        f"an element does not apply, {allowed}.",
        "Only the Score and Narrative cells can be typed in. Evidence is linked on the web: the "
        "evidence column shows what is linked now.",
        "When you upload it, every cell is checked and nothing is stored if any is wrong. If "
        "someone changed an element on the web since you downloaded this workbook, nothing is "
        "stored and you are told which elements, so that you can download it again.",
        f"Scale: {', '.join(answers.labels(view.framework))}.",
        f"Assessment {view.id}.",
    ]


def _self_sheets(
    framework: Framework,
    responses: dict[str, ResponseView] | None = None,
    titles: dict[UUID, str] | None = None,
) -> list[writing.Sheet]:
    """The theme sheets, from the framework (and, when given, the saved answers)."""
    sheets: list[writing.Sheet] = []
    for theme in framework.themes:
        rows: list[list[Any]] = []
        for criterion in theme.criteria:
            for element in criterion.elements:
                fixed: list[Any] = [
                    element.code,
                    criterion.title,
                    element.statement,
                    element.guidance or "",
                ]
                if responses is None:
                    rows.append(fixed)
                    continue
                saved = responses.get(element.code) or ResponseView(element.code)
                linked = "\n".join(
                    f"{(titles or {}).get(e, 'Evidence')} ({e})" for e in saved.evidence
                )
                score = answers.score_cell(framework, saved.score, saved.not_applicable)
                rows.append([*fixed, score, saved.narrative, linked, saved.revision])
        sheets.append(writing.Sheet(sheet_name(theme.code), theme.title, rows))
    return sheets


async def self_assessment_workbook(actor: Actor, assessment_id: UUID) -> tuple[str, bytes]:
    """(file name, bytes) of the assessment as a workbook, for whoever may see it."""
    view = await assessments.get(actor, assessment_id)
    linked = {e for r in view.responses.values() for e in r.evidence}
    titles: dict[UUID, str] = {}
    if linked:
        found = await Evidence.select(Evidence.id, Evidence.title).where(
            Evidence.id.is_in(list(linked))
        )
        titles = {r["id"]: r["title"] for r in found}
    data = writing.build(
        Kind.SELF,
        view.id,
        (view.framework_row["slug"], view.framework_row["version"]),
        _cover(view),
        answers.labels(view.framework),
        _self_sheets(view.framework, view.responses, titles),
    )
    name = (
        f"{view.organisation['slug']}-{view.framework_row['slug']}-{view.framework_row['version']}"
    )
    return f"{name}-self-assessment.xlsx", data


def _same(answer: answers.SheetAnswer, saved: ResponseView) -> bool:
    return (answer.score, answer.not_applicable, answer.narrative) == (
        saved.score,
        saved.not_applicable,
        cell_text(saved.narrative),
    )


async def import_self_assessment(
    actor: Actor, assessment_id: UUID, data: bytes
) -> dict[str, list[str]]:
    """Store the changed rows of an uploaded workbook: {updated, unchanged} element codes.

    Invalid (422) naming each bad cell; Conflict (409) naming each element changed on the server
    since the download, with what it holds; nothing is stored in either case.
    """
    view = await assessments.get(actor, assessment_id)
    if not policy.can_edit_responses(actor, view.row):
        raise Forbidden("Only the department's own people can change its answers")
    lifecycle.check_editable(view.status)
    book = reading.open_safely(data)
    try:
        reading.check_identity(book, Kind.SELF, view.id)
        rows = reading.read_rows(book, Kind.SELF, _self_sheets(view.framework), FIXED_SELF_COLUMNS)
    finally:
        book.close()
    found, problems = answers.read_answers(view.framework, rows)
    if problems:
        raise Invalid(problems, message=f"{len(problems)} cells of the workbook are wrong")
    updated: list[str] = []
    unchanged: list[str] = []
    async with db.transaction():
        current = await assessments.get(actor, assessment_id)
        lifecycle.check_editable(current.status)
        conflicts: list[dict[str, Any]] = []
        for answer in found:
            saved = current.response(answer.row.code)
            if _same(answer, saved):
                unchanged.append(answer.row.code)
            elif answer.row.revision != saved.revision:
                conflicts.append(
                    {
                        "element": answer.row.code,
                        "cell": f"{answer.row.sheet}!A{answer.row.row}",
                        "server": saved.as_dict(),
                    }
                )
            else:
                updated.append(answer.row.code)
        if conflicts:
            codes = ", ".join(c["element"] for c in conflicts)
            raise Conflict(
                f"Someone changed {codes} on the web since this workbook was downloaded; nothing "
                "was stored. Download the workbook again and copy your changes into it",
                conflicts=conflicts,
            )
        by_code = {a.row.code: a for a in found}
        for code in updated:
            answer, saved = by_code[code], current.response(code)
            await assessments.save_response(
                actor,
                view.id,
                code,
                answer.score,
                answer.not_applicable,
                answer.narrative,
                [str(e) for e in saved.evidence],
                saved.revision,
            )
        await record(
            actor,
            "assessment.workbook_import",
            "assessment",
            view.id,
            after={"updated": updated, "unchanged": len(unchanged)},
        )
    return {"updated": updated, "unchanged": unchanged}
