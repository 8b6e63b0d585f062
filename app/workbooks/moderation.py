"""The assessor's moderation workbook: downloaded with the department's answers, uploaded back.

Uploads change moderated answers only through the moderation service (its checks, audit and
revisions), all in one transaction, so a bad or stale workbook stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from app import db
from app.accounts.actor import Actor
from app.assessments.scoring import Answer
from app.assessments.tables import Response
from app.audit.service import record
from app.errors import Conflict, Invalid
from app.frameworks import service as frameworks
from app.frameworks.model import Framework
from app.moderation import service as moderation
from app.moderation.access import load, require_assigned
from app.moderation.rules import ModeratedAnswer, answer_problems
from app.moderation.sheet import moderation_sheet
from app.moderation.tables import Moderation
from app.workbooks import answers, reading, writing
from app.workbooks.layout import Kind, cell_text, sheet_name

FIXED_COLUMNS = 2  # code and statement, as the framework says
# The moderation sheet's answer cells, in order, and the fields the rules name them by.
FIELDS = ("score", "rationale", "strength", "improvement")


def _sheets(
    framework: Framework,
    department: dict[str, dict[str, Any]] | None = None,
    moderated: dict[str, dict[str, Any]] | None = None,
) -> list[writing.Sheet]:
    sheets: list[writing.Sheet] = []
    for theme in framework.themes:
        rows: list[list[Any]] = []
        for element in (e for c in theme.criteria for e in c.elements):
            fixed: list[Any] = [element.code, element.statement]
            if department is None or moderated is None:
                rows.append(fixed)
                continue
            dept = department.get(element.code) or {}
            mod = moderated.get(element.code) or {}
            rows.append(
                [
                    *fixed,
                    answers.score_cell(
                        framework, dept.get("score"), bool(dept.get("not_applicable"))
                    ),
                    dept.get("narrative") or "",
                    answers.score_cell(framework, mod.get("score"), bool(mod.get("not_applicable")))
                    if mod
                    else "",
                    mod.get("rationale", ""),
                    mod.get("strength", ""),
                    mod.get("improvement", ""),
                    mod.get("revision", 0),
                ]
            )
        sheets.append(writing.Sheet(sheet_name(theme.code), theme.title, rows))
    return sheets


async def _rows(assessment_id: UUID) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    department = await Response.select(
        Response.element_code, Response.score, Response.not_applicable, Response.narrative
    ).where(Response.assessment == assessment_id)
    moderated = await Moderation.select().where(Moderation.assessment == assessment_id)
    return (
        {r["element_code"]: r for r in department},
        {r["element_code"]: r for r in moderated},
    )


def _cover(framework: Framework, organisation: str, assessment_id: UUID) -> list[str]:
    return [
        f"{framework.title} (version {framework.version}): moderation of {organisation}",
        "This workbook lets you moderate offline, then upload your moderated answers to Charter "
        "from the assessment's moderation page.",
        "How to fill it in: each theme has its own sheet and each element its own row, with the "
        "department's score and narrative. Choose the moderated score from the drop-down and give "
        "a rationale wherever it differs from the department's; note a strength and an area for "
        "improvement where you have them.",
        "Only the moderated score, rationale, strength and area for improvement can be typed in.",
        "When you upload it, every cell is checked and nothing is stored if any is wrong. If an "
        "element was moderated on the web since you downloaded this workbook, nothing is stored "
        "and you are told which, so that you can download it again.",
        f"Scale: {', '.join(answers.labels(framework))}.",
        f"Assessment {assessment_id}.",
    ]


async def moderation_workbook(actor: Actor, assessment_id: UUID) -> tuple[str, bytes]:
    """(file name, bytes) of the moderation workbook, for whoever may read the moderation."""
    sheet = await moderation_sheet(actor, assessment_id)  # the access check
    loaded = await load(actor, assessment_id)
    _, framework = await frameworks.framework_for(loaded.assessment["framework_version"])
    department, moderated = await _rows(loaded.id)
    data = writing.build(
        Kind.MODERATION,
        loaded.id,
        (framework.slug, framework.version),
        _cover(framework, str(sheet["organisation"]), loaded.id),
        answers.labels(framework),
        _sheets(framework, department, moderated),
    )
    return f"moderation-{framework.slug}-{framework.version}-{loaded.id}.xlsx", data


def _read(
    framework: Framework, rows: Sequence[reading.RowRead], department: dict[str, dict[str, Any]]
) -> tuple[list[tuple[reading.RowRead, ModeratedAnswer]], dict[str, str]]:
    problems: dict[str, str] = {}
    found: list[tuple[reading.RowRead, ModeratedAnswer]] = []
    for row in rows:
        parsed = answers.parse_score(framework, row.answers[0])
        texts = ["" if v is None else cell_text(str(v)).strip() for v in row.answers[1:]]
        if isinstance(parsed, str):
            problems[row.cell(0, Kind.MODERATION)] = parsed
            continue
        moderated = ModeratedAnswer(parsed[0], parsed[1], *texts)
        if parsed == (None, False) and not any(texts):
            found.append((row, moderated))  # left blank: nothing to moderate yet
            continue
        dept = department.get(row.code)
        dept_answer = Answer(dept["score"], bool(dept["not_applicable"])) if dept else None
        for field, message in answer_problems(framework, row.code, moderated, dept_answer).items():
            at = FIELDS.index(field) if field in FIELDS else 0
            problems[row.cell(at, Kind.MODERATION)] = message
        found.append((row, moderated))
    return found, problems


def _same(moderated: ModeratedAnswer, stored: dict[str, Any] | None) -> bool:
    if stored is None:
        return (
            moderated.score is None
            and not moderated.not_applicable
            and not any((moderated.rationale, moderated.strength, moderated.improvement))
        )
    return (
        moderated.answer().score,
        moderated.not_applicable,
        moderated.rationale,
        moderated.strength,
        moderated.improvement,
    ) == (
        stored["score"],
        bool(stored["not_applicable"]),
        cell_text(stored["rationale"]).strip(),
        cell_text(stored["strength"]).strip(),
        cell_text(stored["improvement"]).strip(),
    )


async def import_moderation(actor: Actor, assessment_id: UUID, data: bytes) -> dict[str, list[str]]:
    """Store the changed rows of an uploaded moderation workbook: {updated, unchanged} codes;
    Invalid (422) by cell, Conflict (409) for elements moderated since the download."""
    loaded = await load(actor, assessment_id)
    assignment = require_assigned(actor, loaded, "moderate it")
    if loaded.status != "in_review":
        raise Conflict(
            "Moderated answers can be changed only while the assessment is in review; "
            f"it is {loaded.status.replace('_', ' ')}",
            state=loaded.status,
        )
    if not assignment["declaration"].strip():
        raise Conflict(moderation.DECLARATION_FIRST)
    _, framework = await frameworks.framework_for(loaded.assessment["framework_version"])
    book = reading.open_safely(data)
    try:
        reading.check_identity(book, Kind.MODERATION, loaded.id)
        rows = reading.read_rows(book, Kind.MODERATION, _sheets(framework), FIXED_COLUMNS)
    finally:
        book.close()
    department, _ = await _rows(loaded.id)
    found, problems = _read(framework, rows, department)
    if problems:
        raise Invalid(problems, message=f"{len(problems)} cells of the workbook are wrong")
    updated: list[str] = []
    unchanged: list[str] = []
    async with db.transaction():
        _, stored = await _rows(loaded.id)
        conflicts: list[dict[str, Any]] = []
        for row, moderated in found:
            saved = stored.get(row.code)
            if _same(moderated, saved):
                unchanged.append(row.code)
            elif row.revision != (saved["revision"] if saved else 0):
                conflicts.append(
                    {
                        "element": row.code,
                        "cell": f"{row.sheet}!A{row.row}",
                        "server": moderation.moderation_json(saved),
                    }
                )
            else:
                updated.append(row.code)
        if conflicts:
            codes = ", ".join(c["element"] for c in conflicts)
            raise Conflict(
                f"{codes} was moderated on the web since this workbook was downloaded; nothing "
                "was stored. Download the workbook again and copy your changes into it",
                conflicts=conflicts,
            )
        by_code = dict((row.code, (row, m)) for row, m in found)
        for code in updated:
            row, moderated = by_code[code]
            await moderation.moderate(actor, loaded.id, code, moderated, row.revision)
        await record(
            actor,
            "moderation.workbook_import",
            "assessment",
            loaded.id,
            after={"updated": updated, "unchanged": len(unchanged)},
        )
    return {"updated": updated, "unchanged": unchanged}
