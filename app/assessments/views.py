"""Read models: an assessment and its answers as services hand them to routes, and their loaders.

Loaders take rows the caller may already see; the access checks are the service's job.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import Any
from uuid import UUID

from app import db
from app.accounts.actor import Actor
from app.assessments import progress
from app.assessments.lifecycle import Status
from app.assessments.progress import ElementState, Saved
from app.assessments.scoring import Answer
from app.assessments.tables import Response
from app.certificates.tables import Certificate
from app.frameworks.currency import version_order
from app.frameworks.model import Element, Framework
from app.frameworks.service import latest_version_ids, list_versions, model_of, versions_by_id
from app.organisations.tables import Organisation


@dataclass(frozen=True)
class ResponseView:
    """The department's saved answer to one element; revision 0 means nothing is saved yet."""

    code: str
    score: int | None = None
    not_applicable: bool = False
    narrative: str = ""
    evidence: tuple[UUID, ...] = ()
    revision: int = 0
    changed_since_submission: bool = False
    updated_at: dt.datetime | None = None
    updated_by: str | None = None  # the person's name

    @cached_property  # a page asks for each response's state more than once
    def saved(self) -> Saved:
        return Saved(self.score, self.not_applicable, self.narrative, len(self.evidence))

    @property
    def answer(self) -> Answer:
        return Answer(self.score, self.not_applicable)

    def as_dict(self) -> dict[str, Any]:
        """The API's shape of one response."""
        return {
            "element": self.code,
            "score": self.score,
            "not_applicable": self.not_applicable,
            "narrative": self.narrative,
            "evidence": [str(e) for e in self.evidence],
            "revision": self.revision,
            "changed_since_submission": self.changed_since_submission,
        }


@dataclass(frozen=True)
class AssessmentView:
    row: dict[str, Any]  # the Assessment row
    organisation: dict[str, Any]  # id, slug, name
    framework_row: dict[str, Any]  # id, slug, version, title
    framework: Framework
    responses: dict[str, ResponseView] = field(default_factory=dict)
    certificate_id: UUID | None = None
    # Set when only this element's response was read (an element's page): nothing else is known.
    only_element: str | None = None

    @property
    def id(self) -> UUID:
        return self.row["id"]

    @property
    def status(self) -> str:
        return self.row["status"]

    def response(self, code: str) -> ResponseView:
        return self.responses.get(code) or unanswered(code)

    def saved(self) -> dict[str, Saved]:
        assert self.only_element is None, "a view of one element knows no other responses"
        return {code: r.saved for code, r in self.responses.items()}

    @cached_property
    def elements_by_code(self) -> dict[str, Element]:
        return {e.code: e for e in self.framework.elements()}

    def state_of(self, code: str) -> ElementState:
        assert self.only_element in (None, code), "a view of one element knows no other responses"
        element = self.elements_by_code.get(code)
        assert element is not None, code
        return progress.state_of(self.framework, element, self._saved_of(code))

    @cached_property
    def states(self) -> dict[str, ElementState]:
        """Every element's state by code, in one pass (the task list shows them all)."""
        assert self.only_element is None, "a view of one element knows no other responses"
        return {
            e.code: progress.state_of(self.framework, e, self._saved_of(e.code))
            for e in self.framework.elements()
        }

    def _saved_of(self, code: str) -> Saved | None:
        response = self.responses.get(code)
        return response.saved if response is not None else None

    def incomplete(self) -> dict[str, str]:
        return progress.incomplete(self.framework, self.saved())

    @cached_property  # a view's responses never change (the task list shows this twice)
    def completed(self) -> int:
        return progress.completed_count(self.framework, self.saved())

    @property
    def total(self) -> int:
        return len(self.elements_by_code)


@cache
def unanswered(code: str) -> ResponseView:
    """The view of an element with nothing saved (frozen, so one per code is shared)."""
    return ResponseView(code)


async def organisations_by_id(ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await Organisation.select(Organisation.id, Organisation.slug, Organisation.name).where(
        Organisation.id.is_in(wanted)
    )
    return {r["id"]: r for r in rows}


def plain() -> str:
    """What to put before a column in a SELECT for its value as SQLite stores it. Piccolo converts
    every value of a typed column in Python (an integer through Decimal, a boolean from its text),
    and a page reads hundreds; it converts only a bare column, so "+r.score" (a no-op that makes it
    an expression) comes back as stored: ints as ints, booleans as 0/1, UUIDs and times as text.
    Callers take those as they are (bool(), as_uuid()). PostgreSQL's values are native."""
    return "" if db.is_postgres() else "+"


def _responses_sql(count: int, one_element: bool = False) -> str:
    """One query for the responses of `count` assessments (or of one element of one), each with
    its linked evidence ids as one comma-separated text (the databases name that aggregate
    differently)."""
    joined = (
        "string_agg(CAST(e.evidence AS TEXT), ',')"
        if db.is_postgres()
        else "group_concat(e.evidence, ',')"
    )
    wanted = ", ".join(["{}"] * count)
    p = plain()
    # Only the fixed aggregate and "{}" placeholders are put into the text; values are bound.
    return (
        f"SELECT {p}r.assessment AS assessment, r.element_code, {p}r.score AS score, "  # noqa: S608
        f"{p}r.not_applicable AS not_applicable, r.narrative, {p}r.revision AS revision, "
        f"{p}r.updated_at AS updated_at, "
        f"{p}r.changed_since_submission AS changed_since_submission, "
        "u.name AS updated_by_name, "
        f"(SELECT {joined} FROM response_evidence e WHERE e.response = r.id) AS evidence_ids "
        "FROM response r LEFT JOIN charter_user u ON u.id = r.updated_by "
        f"WHERE r.assessment IN ({wanted})" + (" AND r.element_code = {}" if one_element else "")
    )


@lru_cache(maxsize=8192)
def _uuid_of_text(text: str) -> UUID:
    """An id from its text: a page reads the same few dozen on every request, and parsing a
    UUID costs more than finding it here (UUIDs are immutable, so they can be shared)."""
    return UUID(text)


def _view_of(row: dict[str, Any]) -> ResponseView:
    ids = row["evidence_ids"]
    # Both databases give the canonical text of each id, so sorting the texts is sorting by str.
    evidence = tuple(_uuid_of_text(i) for i in sorted(ids.split(","))) if ids else ()
    return response_view(row, evidence, row["updated_by_name"])


async def responses_of(assessment_ids: list[UUID]) -> dict[UUID, dict[str, ResponseView]]:
    """Every saved response of these assessments with its evidence ids, in one query: the
    page that shows an assessment reads this on every request."""
    if not assessment_ids:
        return {}
    rows = await db.read_by_key(Response, _responses_sql(len(assessment_ids)), *assessment_ids)
    found: dict[UUID, dict[str, ResponseView]] = defaultdict(dict)
    for row in rows:
        found[as_uuid(row["assessment"])][row["element_code"]] = _view_of(row)
    return found


async def response_of(assessment_id: UUID, code: str) -> ResponseView:
    """One element's saved response (revision 0 when there is none), as committed now."""
    rows = await db.read_by_key(Response, _responses_sql(1, one_element=True), assessment_id, code)
    return _view_of(rows[0]) if rows else unanswered(code)


def as_uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else _uuid_of_text(value)


def _stored_time(value: dt.datetime | str | None) -> dt.datetime | None:
    """A timestamptz as plain() reads it from SQLite (its text, read as Piccolo reads it: UTC),
    or as PostgreSQL gives it."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return value


def response_view(
    row: dict[str, Any], evidence: tuple[UUID, ...], updated_by: str | None
) -> ResponseView:
    """`evidence` in order of its ids' text."""
    return ResponseView(
        code=row["element_code"],
        score=row["score"],
        not_applicable=bool(row["not_applicable"]),
        narrative=row["narrative"] or "",
        evidence=evidence,
        revision=row["revision"],
        changed_since_submission=bool(row["changed_since_submission"]),
        updated_at=_stored_time(row["updated_at"]),
        updated_by=updated_by,
    )


CONCLUDED = Status.CONCLUDED.value
# Rows that arrive with their organisation's slug and name under these keys need no lookup.
ORGANISATION_SLUG = "organisation_slug"
ORGANISATION_NAME = "organisation_name"
JSON_COLUMNS = ("self_result", "moderated_result", "return_elements")


def decoded(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its JSON columns as values (Piccolo returns them as text unless asked)."""
    fixed = dict(row)
    for name in JSON_COLUMNS:
        if isinstance(fixed.get(name), str):
            fixed[name] = json.loads(fixed[name])
    return fixed


async def views_of(
    rows: list[dict[str, Any]], with_certificates: bool = False, only_element: str | None = None
) -> list[AssessmentView]:
    """Views of many assessment rows with a fixed number of queries (no N+1); with
    `only_element`, of one row with that element's response alone (all its page shows)."""
    organisations = {
        r["organisation"]: {
            "id": r["organisation"],
            "slug": r[ORGANISATION_SLUG],
            "name": r[ORGANISATION_NAME],
        }
        for r in rows
        if ORGANISATION_NAME in r
    }
    organisations |= await organisations_by_id(
        r["organisation"] for r in rows if r["organisation"] not in organisations
    )
    frameworks = await versions_by_id(r["framework_version"] for r in rows)
    if only_element is None:
        responses = await responses_of([r["id"] for r in rows])
    else:
        (row,) = rows
        response = await response_of(row["id"], only_element)
        responses = {row["id"]: {only_element: response} if response.revision else {}}
    certificates: dict[UUID, UUID] = {}
    concluded = [r["id"] for r in rows if r["status"] == CONCLUDED]  # only these have one
    if with_certificates and concluded:
        found = await Certificate.select(Certificate.id, Certificate.assessment).where(
            Certificate.assessment.is_in(concluded)
        )
        certificates = {c["assessment"]: c["id"] for c in found}
    return [
        AssessmentView(
            row=decoded(row),
            organisation=organisations[row["organisation"]],
            framework_row=frameworks[row["framework_version"]],
            framework=model_of(frameworks[row["framework_version"]]),
            responses=responses.get(row["id"], {}),
            certificate_id=certificates.get(row["id"]),
            only_element=only_element,
        )
        for row in rows
    ]


async def frameworks_to_start() -> list[dict[str, Any]]:
    """Every loaded framework version, each framework's version in force first (for the start
    page), then the rest newest first."""
    rows = await list_versions()
    latest = await latest_version_ids()
    by_slug: dict[str, list[dict[str, Any]]] = {}
    for row in rows:  # list_versions orders by slug, then load time
        by_slug.setdefault(row["slug"], []).append(row)
    ordered: list[dict[str, Any]] = []
    for versions in by_slug.values():
        versions.sort(key=lambda r: (r["id"] in latest, version_order(r["version"])), reverse=True)
        ordered.extend({**row, "latest": row["id"] in latest} for row in versions)
    return ordered


async def organisation_of(actor: Actor) -> dict[str, Any] | None:
    """The actor's own organisation (department roles; an assessor's employer), if any."""
    if actor.organisation_id is None:
        return None
    return (
        await Organisation.select(Organisation.id, Organisation.slug, Organisation.name)
        .where(Organisation.id == actor.organisation_id)
        .first()
    )
