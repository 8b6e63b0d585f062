"""Department self-assessment use cases: start, list, read, answer an element, submit.

Each function checks the access policy and the lifecycle, changes rows in one transaction and
writes the audit record inside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID, uuid4

from app import db
from app.accounts import policy
from app.accounts.actor import Actor
from app.accounts.roles import DEPARTMENT_ROLES, Role
from app.assessments import lifecycle, results, scoring, views
from app.assessments.answers import validate_answer
from app.assessments.lifecycle import Action, Status
from app.assessments.tables import Assessment, Response, ResponseEvidence, StatusChange
from app.assessments.views import AssessmentView, ResponseView, views_of
from app.audit.service import record
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.evidence.tables import Evidence
from app.frameworks import service as frameworks
from app.moderation.tables import Assignment
from app.notifications import outbox
from app.organisations.tables import Organisation

MAX_EVIDENCE_LINKS = 100
MAX_PAGE = 200
MAX_OFFSET = 1_000_000
NOT_FOUND = "No assessment with that id, or you may not see it"
SHARED: Literal["SHARE"] = (
    "SHARE"  # a row lock that many transactions hold at once (PostgreSQL FOR SHARE)
)


class StaleRevision(Conflict):
    """Someone saved the element since the client read it; `stored` is what is saved now."""

    def __init__(self, stored: ResponseView) -> None:
        super().__init__(
            f"Element {stored.code} was changed by someone else since you opened it "
            f"(it is now at revision {stored.revision}); nothing of yours was saved",
            stored=stored.as_dict(),
        )
        self.stored = stored


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _uuid(value: str | UUID) -> UUID | None:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        return None


# --- reading ---------------------------------------------------------------------------------


async def _assigned(assessment_id: UUID) -> set[UUID]:
    rows = await Assignment.select(Assignment.assessor).where(
        (Assignment.assessment == assessment_id) & (Assignment.active.eq(True))
    )
    return {r["assessor"] for r in rows}


# Hand-written because this runs on every assessment page and save, and Piccolo spent longer
# building the query with its organisation join than the database took to answer it.
_ROW_SQL = (
    f"SELECT a.*, o.slug AS {views.ORGANISATION_SLUG}, o.name AS {views.ORGANISATION_NAME} "  # noqa: S608
    "FROM assessment a JOIN organisation o ON o.id = a.organisation WHERE a.id = {}"
)
# FOR ... OF a: the assessment's row only, never the organisation's.
_LOCKS: dict[bool | str, str] = {SHARED: " FOR SHARE OF a", True: " FOR UPDATE OF a"}


async def _visible_row(
    actor: Actor, assessment_id: UUID | str, lock: bool | str = False
) -> dict[str, Any]:
    """The Assessment row, with its organisation's slug and name, if the actor may see it (else
    NotFound); locked when asked: for update (True), or SHARED with others who lock it so."""
    wanted = _uuid(assessment_id)
    if wanted is None:
        raise NotFound(NOT_FOUND)
    # SQLite's IMMEDIATE transaction already serialises writers.
    locking = _LOCKS[lock] if lock and db.is_postgres() else ""
    rows = await db.read_by_key(Assessment, _ROW_SQL + locking, wanted)
    if not rows:
        raise NotFound(NOT_FOUND)
    row = rows[0]
    # Only an assessor's access depends on assignments; nobody else pays for reading them.
    assigned = await _assigned(row["id"]) if actor.role == Role.ASSESSOR else set()
    if not policy.can_see_assessment(actor, row, assigned):
        raise NotFound(NOT_FOUND)
    return row


async def _row(assessment_id: UUID) -> dict[str, Any]:
    row = await Assessment.select().where(Assessment.id == assessment_id).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


async def get(actor: Actor, assessment_id: UUID | str) -> AssessmentView:
    """The assessment with every saved response; NotFound when it is not visible to the actor."""
    row = await _visible_row(actor, assessment_id)
    (view,) = await views_of([row], with_certificates=True)
    return view


async def get_element(actor: Actor, assessment_id: UUID | str, code: str) -> AssessmentView:
    """The assessment with one element's saved response only (what the element's page shows);
    NotFound when it is not visible to the actor."""
    row = await _visible_row(actor, assessment_id)
    (view,) = await views_of([row], only_element=code)
    return view


async def list_for(
    actor: Actor,
    organisation: str | None = None,
    status: str | None = None,
    framework: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[AssessmentView]:
    """What the actor may see, newest first; filters: organisation slug, status, framework slug."""
    problems: dict[str, str] = {}
    if status and status not in set(Status):
        problems["status"] = f"Status must be one of: {', '.join(Status)}"
    if not 1 <= limit <= MAX_PAGE:
        problems["limit"] = f"Limit must be from 1 to {MAX_PAGE}"
    if not 0 <= offset <= MAX_OFFSET:  # past any real list, and a number SQL can hold
        problems["offset"] = f"Offset must be from 0 to {MAX_OFFSET:,}"
    org_id: UUID | None = None
    if organisation:
        org = (
            await Organisation.select(Organisation.id)
            .where(Organisation.slug == organisation)
            .first()
        )
        if org is None:
            problems["organisation"] = f"No organisation has slug '{organisation}'"
        else:
            org_id = org["id"]
    if problems:
        raise Invalid(problems)
    scope = policy.assessment_scope(actor)
    if scope.nothing:
        return []
    query = Assessment.select()
    terms: list[Any] = []
    if scope.organisation is not None:
        terms.append(Assessment.organisation == scope.organisation)
    if scope.statuses is not None:
        terms.append(Assessment.status.is_in(list(scope.statuses)))
    if scope.except_statuses:
        terms.append(Assessment.status.not_in(list(scope.except_statuses)))
    if scope.assigned_to is not None:
        assigned = await Assignment.select(Assignment.assessment).where(
            (Assignment.assessor == scope.assigned_to) & (Assignment.active.eq(True))
        )
        ids = list({a["assessment"] for a in assigned})
        if not ids:
            return []
        terms.append(Assessment.id.is_in(ids))
    if org_id is not None:
        terms.append(Assessment.organisation == org_id)
    if status:
        terms.append(Assessment.status == status)
    if framework:
        terms.append(Assessment.framework_version.slug == framework)
    for term in terms:
        query = query.where(term)
    rows = await query.order_by(Assessment.created_at, ascending=False).limit(limit).offset(offset)
    return await views_of(rows)


# --- changing --------------------------------------------------------------------------------


async def start(
    actor: Actor, organisation: str | UUID, framework_slug: str, version: str | None = None
) -> AssessmentView:
    """A new draft for the organisation (slug or id) on a framework version (the latest if None)."""
    org_id = _uuid(organisation)
    query = Organisation.select(Organisation.id, Organisation.slug, Organisation.name)
    org = await query.where(
        Organisation.id == org_id if org_id else Organisation.slug == str(organisation)
    ).first()
    if org is None:
        raise Invalid({"organisation": f"No organisation '{organisation}'"})
    if not policy.can_start_assessment(actor, org["id"]):
        raise Forbidden(f"Only a department lead of {org['name']} can start its assessments")
    try:
        if version:
            fv = await frameworks.get_version(framework_slug, version)
        else:
            fv = await frameworks.latest_version(framework_slug)
    except NotFound as exc:
        raise Invalid({"version" if version else "framework": exc.message}) from exc
    async with db.transaction():
        open_one = (
            await Assessment.select(Assessment.id, Assessment.status)
            .where(
                (Assessment.organisation == org["id"])
                & (Assessment.framework_version.slug == fv["slug"])
                & Assessment.status.not_in(list(lifecycle.ENDED))
            )
            .first()
        )
        if open_one is not None:
            raise Conflict(
                f"{org['name']} already has a {open_one['status']} assessment of {fv['title']} "
                f"({open_one['id']}); conclude or withdraw it before starting another",
                assessment=str(open_one["id"]),
            )
        assessment = Assessment(
            organisation=org["id"],
            framework_version=fv["id"],
            status=Status.DRAFT,
            created_by=actor.id,
            created_at=_now(),
        )
        await assessment.save()
        await record(
            actor,
            "assessment.start",
            "assessment",
            assessment.id,
            after={"organisation": org["slug"], "framework": fv["slug"], "version": fv["version"]},
        )
        row = await _row(assessment.id)
    (view,) = await views_of([row], with_certificates=True)
    return view


async def _check_evidence(
    row: dict[str, Any], evidence_ids: list[str], problems: dict[str, str]
) -> list[UUID]:
    """Evidence ids as UUIDs, each in the library of the assessment's organisation (`row` as
    _visible_row gives it, with the organisation's name); else a problem naming it."""
    parsed: list[UUID] = []
    for raw in evidence_ids:
        value = _uuid(raw)
        if value is None:
            problems["evidence"] = f"'{str(raw)[:60]}' is not an evidence id"
            return []
        if value not in parsed:
            parsed.append(value)
    if len(parsed) > MAX_EVIDENCE_LINKS:
        problems["evidence"] = f"Link at most {MAX_EVIDENCE_LINKS} evidence items to one element"
        return []
    if parsed:
        found = await Evidence.select(Evidence.id).where(
            Evidence.id.is_in(parsed) & (Evidence.organisation == row["organisation"])
        )
        missing = [str(e) for e in parsed if e not in {f["id"] for f in found}]
        if missing:
            name = row[views.ORGANISATION_NAME]
            problems["evidence"] = (
                f"Evidence {', '.join(missing)} is not in {name}'s evidence library"
            )
    return parsed


async def save_response(
    actor: Actor,
    assessment_id: UUID | str,
    code: str,
    score: int | None,
    not_applicable: bool,
    narrative: str,
    evidence_ids: list[str],
    revision: int,
) -> ResponseView:
    """Save the department's answer to one element if `revision` is the one stored (0: none yet).

    StaleRevision (409, with the stored answer) when someone saved it meanwhile; Invalid (422) by
    field; Conflict (409) once the assessment is no longer draft or returned.
    """
    narrative = narrative or ""
    async with db.transaction():
        # A shared lock: people saving different elements at once do not queue behind each
        # other, while a status change (which locks the row for update) waits for them all.
        row = await _visible_row(actor, assessment_id, lock=SHARED)
        if not policy.can_edit_responses(actor, row):
            raise Forbidden("Only the department's own people can change its answers")
        _, framework = await frameworks.framework_for(row["framework_version"])
        element = framework.element(code)
        if element is None:
            raise NotFound(f"{framework.title} has no element {code}")
        lifecycle.check_editable(row["status"])
        stored = await views.response_of(row["id"], code)
        if revision != stored.revision:
            raise StaleRevision(stored)
        problems = validate_answer(framework, element, score, not_applicable, narrative)
        evidence = await _check_evidence(row, list(evidence_ids), problems)
        if problems:
            raise Invalid(problems)
        now = _now()
        changed = row["status"] == Status.RETURNED or stored.changed_since_submission
        answer = (score, not_applicable, narrative, stored.revision + 1, actor.id, now, changed)
        response_id = await _write_response(row["id"], code, revision, answer)
        if response_id is None:  # someone else's save of this element committed first
            raise StaleRevision(await views.response_of(row["id"], code))
        before_links, after_links = set(stored.evidence), set(evidence)
        if before_links - after_links:
            await ResponseEvidence.delete().where(
                (ResponseEvidence.response == response_id)
                & ResponseEvidence.evidence.is_in(list(before_links - after_links))
            )
        if after_links - before_links:
            await ResponseEvidence.insert(
                *(
                    ResponseEvidence(response=response_id, evidence=evidence_id)
                    for evidence_id in sorted(after_links - before_links, key=str)
                )
            )
        result = ResponseView(
            code=code,
            score=score,
            not_applicable=not_applicable,
            narrative=narrative,
            evidence=tuple(sorted(evidence, key=str)),
            revision=stored.revision + 1,
            changed_since_submission=changed,
            updated_at=now,
            updated_by=actor.name,
        )
        await record(
            actor,
            "response.save",
            "assessment",
            row["id"],
            before=stored.as_dict() if stored.revision else None,
            after=result.as_dict(),
        )
    return result


# Every autosave runs one of these: hand-written, as Piccolo took longer to build them than the
# database took to run them. The values follow _ANSWER_COLUMNS.
_ANSWER_COLUMNS = (
    "score",
    "not_applicable",
    "narrative",
    "revision",
    "updated_by",
    "updated_at",
    "changed_since_submission",
)
_RESPONSE = Response._meta.tablename
_INSERT_RESPONSE_SQL = (
    f"INSERT INTO {_RESPONSE} (id, assessment, element_code, {', '.join(_ANSWER_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['{}'] * (3 + len(_ANSWER_COLUMNS)))}) ON CONFLICT DO NOTHING RETURNING id"
)
_UPDATE_RESPONSE_SQL = (
    f"UPDATE {_RESPONSE} SET {', '.join(f'{c} = {{}}' for c in _ANSWER_COLUMNS)} "  # noqa: S608
    "WHERE assessment = {} AND element_code = {} AND revision = {} RETURNING id"
)


async def _write_response(
    assessment_id: UUID, code: str, revision: int, answer: tuple[Any, ...]
) -> UUID | None:
    """Insert the element's first response, or update the one at `revision`; None when another
    save got there first (a row already inserted, or its revision moved on)."""
    if revision == 0:
        rows = await Response.raw(_INSERT_RESPONSE_SQL, uuid4(), assessment_id, code, *answer)
    else:
        rows = await Response.raw(_UPDATE_RESPONSE_SQL, *answer, assessment_id, code, revision)
    return _uuid(rows[0]["id"]) if rows else None


async def submit(actor: Actor, assessment_id: UUID | str) -> AssessmentView:
    """draft|returned -> submitted when every element is complete; stores the self result."""
    async with db.transaction():
        row = await _visible_row(actor, assessment_id, lock=True)
        if not policy.can_submit_assessment(actor, row):
            if actor.role in DEPARTMENT_ROLES:
                raise Forbidden("Only a department lead can submit an assessment")
            raise Forbidden("Only the organisation's department lead can submit its assessment")
        new_status = lifecycle.check(row["status"], Action.SUBMIT)
        (view,) = await views_of([row])
        problems = view.incomplete()
        if problems:
            count = len(problems)
            raise Invalid(
                problems,
                message=f"{count} element{'s are' if count != 1 else ' is'} not complete: "
                + ", ".join(problems),
            )
        answers = {code: r.answer for code, r in view.responses.items()}
        self_result = results.to_stored(scoring.score(view.framework, answers))
        now = _now()
        await Assessment.update(
            {
                Assessment.status: new_status,
                Assessment.submitted_at: now,
                Assessment.self_result: self_result,
            }
        ).where(Assessment.id == row["id"])
        await StatusChange(
            assessment=row["id"],
            from_status=row["status"],
            to_status=new_status,
            action=Action.SUBMIT,
            by=actor.id,
            at=now,
        ).save()
        await record(
            actor,
            "assessment.submit",
            "assessment",
            row["id"],
            before={"status": row["status"]},
            after={"status": new_status, "self_result": self_result},
        )
        # A resubmission goes back to the assessor who returned it; a first one to the leads.
        assessor = await _assigned(row["id"]) if row["status"] == Status.RETURNED else set()
        await outbox.assessment_submitted(row, new_status, next(iter(assessor), None))
        fresh = await _row(row["id"])
    (result,) = await views_of([fresh], with_certificates=True)
    return result
