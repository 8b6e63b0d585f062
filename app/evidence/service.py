"""Evidence use cases: upload (stream, check, store, record), read with access checks, delete.

An upload is first staged (receiving.py and staging.py: streamed to a temporary file while
hashed and counted, then its type judged by content). Only then, in one transaction, is the
row written, the blob moved into place and the audit record kept.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

from app import db, search
from app.accounts import policy
from app.accounts.actor import Actor
from app.accounts.roles import ASSESSOR_ROLES
from app.assessments.tables import Assessment, ResponseEvidence
from app.audit.service import record
from app.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, TooLarge
from app.evidence import content_types, integrity
from app.evidence.freshness import is_stale
from app.evidence.staging import NoRoom, Received, Staged, Upload, discard, room_for, stage
from app.evidence.storage import storage_for
from app.evidence.tables import SEARCHED_COLUMNS, Evidence
from app.evidence.usage import EDITABLE_STATUSES, Usage, usage_rows, uuid_of, uuids_of
from app.moderation.tables import Assignment
from app.organisations.tables import Organisation
from app.settings import Settings

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
PAGE_SIZE = 50
EARLIEST_DATE = dt.date(1900, 1, 1)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BlobMissing(DomainError):
    status_code = 500


@dataclass(frozen=True)
class NewEvidence:
    title: str
    description: str
    effective_on: dt.date | None
    staged: Staged


@dataclass(frozen=True)
class Draft:
    """One file someone wants to add, as a form gave it; `ref` suffixes its problems' keys."""

    title: str
    description: str
    effective_on: dt.date | None
    upload: Upload | Received | None
    ref: str = "1"


# --- checking the details ----------------------------------------------------------------------


def parse_date(value: dt.date | str | None) -> dt.date | None:
    """None for blank; ValueError unless the text is a real date written YYYY-MM-DD."""
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    if not text:
        return None
    if not ISO_DATE.match(text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def check_details(
    title: str, description: str, effective_on: dt.date | None, today: dt.date
) -> dict[str, str]:
    """Problems with an item's title, description and effective date, by field."""
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "Enter a title for the evidence"
    elif len(title.strip()) > MAX_TITLE:
        problems["title"] = f"Title must be {MAX_TITLE} characters or fewer"
    if len(description) > MAX_DESCRIPTION:
        problems["description"] = f"Description must be {MAX_DESCRIPTION} characters or fewer"
    if effective_on is not None and effective_on > today:
        problems["effective_on"] = "Effective date must be today or in the past"
    elif effective_on is not None and effective_on < EARLIEST_DATE:
        problems["effective_on"] = "Effective date must be after 1 January 1900"
    return problems


# --- staging and storing -------------------------------------------------------------------


async def _lock_blob(sha256: str) -> None:
    """On PostgreSQL, serialise uploads and deletes of one blob (SQLite's lock does that)."""
    if db.is_postgres():
        await Evidence.raw("SELECT pg_advisory_xact_lock(hashtext({}))", f"evidence:{sha256}")


async def store_items(
    actor: Actor, organisation: str | uuid.UUID, items: Sequence[NewEvidence], *, settings: Settings
) -> list[dict[str, Any]]:
    """Store staged uploads as evidence items of the organisation, all or none."""
    store = storage_for(settings)
    try:
        org = await _writable_organisation(actor, organisation)
        today = dt.date.today()
        for item in items:
            if problems := check_details(item.title, item.description, item.effective_on, today):
                raise Invalid(problems)
        now = dt.datetime.now(dt.UTC)
        results = []
        async with db.transaction():
            for item in items:
                staged = item.staged
                await _lock_blob(staged.sha256)
                row = Evidence(
                    organisation=org["id"],
                    title=item.title.strip(),
                    description=item.description.strip(),
                    filename=staged.filename,
                    media_type=staged.file_type.media_type,
                    size=staged.size,
                    sha256=staged.sha256,
                    effective_on=item.effective_on,
                    uploaded_by=actor.id,
                    uploaded_at=now,
                )
                await row.save()
                with room_for(staged.filename):  # the row rolls back with the transaction
                    await anyio.to_thread.run_sync(store.put, staged.tmp_path, staged.sha256)
                result = to_dict(
                    {**row.to_dict(), "organisation_slug": org["slug"], "uploader_name": actor.name}
                )
                await record(actor, "evidence.upload", "evidence", row.id, after=result)
                results.append(result)
        return results
    finally:
        discard(settings, (item.staged for item in items))


async def upload(
    actor: Actor,
    organisation: str | uuid.UUID,
    title: str,
    description: str,
    effective_on: dt.date | str | None,
    upload_file: Upload | Received | None,
    *,
    settings: Settings,
) -> dict[str, Any]:
    """Upload one file as a new evidence item of the organisation; returns it as to_dict does.

    Invalid (422) with problems by field (organisation, title, description, effective_on,
    file), TooLarge (413), Forbidden (403) for anyone but the organisation's department staff.
    """
    problems: dict[str, str] = {}
    try:
        when = parse_date(effective_on)
    except ValueError:
        when = None
        problems["effective_on"] = "Enter the effective date as YYYY-MM-DD, like 2026-03-31"
    await _writable_organisation(actor, organisation)
    problems |= check_details(title or "", description or "", when, dt.date.today())
    if problems:
        raise Invalid(problems)
    staged = await stage(upload_file, settings)
    items = [NewEvidence(title or "", description or "", when, staged)]
    return (await store_items(actor, organisation, items, settings=settings))[0]


async def upload_many(
    actor: Actor,
    organisation: str | uuid.UUID,
    drafts: Sequence[Draft],
    *,
    settings: Settings,
    problems: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Upload several files as new items, all or none.

    Every draft is checked, its file included, so that one answer lists every problem:
    Invalid keyed "FIELD-REF" (file-2, title-1...). `problems` are those the caller found in its
    own form (same keys); if there are any, nothing is stored either.
    """
    await _writable_organisation(actor, organisation)
    found = dict(problems or {})
    staged: dict[str, Staged] = {}
    today = dt.date.today()
    try:
        for draft in drafts:
            details = check_details(draft.title, draft.description, draft.effective_on, today)
            for field, message in details.items():
                found.setdefault(f"{field}-{draft.ref}", message)
            try:
                staged[draft.ref] = await stage(draft.upload, settings)
            except (Invalid, TooLarge, NoRoom) as refused:
                file_problem = refused.extra.get("problems", {}).get("file", refused.message)
                found.setdefault(f"file-{draft.ref}", file_problem)
        if found:
            raise Invalid(found)
    except BaseException:
        discard(settings, staged.values())
        raise
    items = [NewEvidence(d.title, d.description, d.effective_on, staged[d.ref]) for d in drafts]
    return await store_items(actor, organisation, items, settings=settings)


async def upload_target(actor: Actor) -> dict[str, Any]:
    """The organisation the actor uploads evidence for (their own); Forbidden for other roles."""
    if actor.organisation_id is None:
        raise Forbidden("Only an organisation's own staff can upload its evidence")
    return await _writable_organisation(actor, actor.organisation_id)


# --- reading ---------------------------------------------------------------------------------


def to_dict(
    row: dict[str, Any], usages: Sequence[Usage] = (), today: dt.date | None = None
) -> dict[str, Any]:
    effective_on = row["effective_on"]
    file_type = content_types.BY_MEDIA_TYPE.get(row["media_type"])
    return {
        "id": str(row["id"]),
        "organisation": row["organisation_slug"],
        "organisation_id": str(row["organisation"]),
        "title": row["title"],
        "description": row["description"],
        "filename": row["filename"],
        "media_type": row["media_type"],
        "type_label": file_type.label if file_type else row["media_type"],
        "size": row["size"],
        "sha256": row["sha256"],
        "effective_on": effective_on.isoformat() if effective_on else None,
        "stale": is_stale(effective_on, today or dt.date.today()),
        "uploaded_by": row["uploader_name"],
        "uploaded_at": row["uploaded_at"].isoformat(),
        "used_in": [
            {
                "assessment": str(u.assessment_id),
                "element": u.element_code,
                "status": u.status,
                "framework": u.framework_title,
            }
            for u in usages
        ],
        "frozen": any(u.status not in EDITABLE_STATUSES for u in usages),
    }


_COLUMNS = (
    *Evidence.all_columns(),
    Evidence.organisation.slug.as_alias("organisation_slug"),
    Evidence.uploaded_by.name.as_alias("uploader_name"),
)


async def _organisation(ref: str | uuid.UUID) -> dict[str, Any] | None:
    ref_id = uuid_of(ref)
    where = Organisation.id == ref_id if ref_id else Organisation.slug == str(ref).strip()
    return await Organisation.select().where(where).first()


async def _writable_organisation(actor: Actor, ref: str | uuid.UUID | None) -> dict[str, Any]:
    org = await _organisation(ref) if ref else None
    if org is None:
        shown = str(ref or "").strip()[:64]
        raise Invalid(
            {
                "organisation": f"No organisation has slug or id '{shown}'"
                if shown
                else "Enter the organisation's slug or id"
            }
        )
    if not policy.can_change_evidence(actor, org["id"]):
        raise Forbidden(f"Only {org['name']}'s own staff can upload or delete its evidence")
    return org


async def owned_by(
    organisation_id: uuid.UUID, evidence_ids: Iterable[uuid.UUID | str]
) -> set[uuid.UUID]:
    """The ids among `evidence_ids` that are evidence items of this organisation (one query)."""
    ids = uuids_of(evidence_ids)
    if not ids:
        return set()
    rows = await Evidence.select(Evidence.id).where(
        Evidence.id.is_in(ids) & (Evidence.organisation == organisation_id)
    )
    return {r["id"] for r in rows}


async def summaries(evidence_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, dict[str, Any]]:
    """Items by id, as to_dict gives them without usage, for a page the caller has already
    checked the actor may see (an assessment's element page). One query."""
    ids = uuids_of(evidence_ids)
    if not ids:
        return {}
    rows = await Evidence.select(*_COLUMNS).where(Evidence.id.is_in(ids))
    return {r["id"]: to_dict(r) for r in rows}


async def _may_see(actor: Actor, row: dict[str, Any], used: Sequence[Usage]) -> bool:
    if policy.can_see_organisation_data(actor, row["organisation"]):
        return True
    if actor.role not in ASSESSOR_ROLES or not used:
        return False
    assessment_ids = list({u.assessment_id for u in used})
    assigned: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for a in await Assignment.select(Assignment.assessment, Assignment.assessor).where(
        Assignment.assessment.is_in(assessment_ids) & (Assignment.active.eq(True))
    ):
        assigned[a["assessment"]].add(a["assessor"])
    linked = [
        ({"organisation": u.organisation, "status": u.status}, assigned[u.assessment_id])
        for u in used
    ]
    return policy.can_see_evidence(actor, row["organisation"], linked)


async def _visible(
    actor: Actor, evidence_id: str | uuid.UUID
) -> tuple[dict[str, Any], list[Usage]]:
    ident = uuid_of(evidence_id)
    row = await Evidence.select(*_COLUMNS).where(Evidence.id == ident).first() if ident else None
    if row is None:
        raise NotFound("No evidence item has that id")
    used = await usage_rows([row["id"]])
    if not await _may_see(actor, row, used):
        raise NotFound("No evidence item has that id")
    return row, used


async def get(actor: Actor, evidence_id: str | uuid.UUID) -> dict[str, Any]:
    """One item with where it is used; NotFound unless the actor may see it."""
    row, used = await _visible(actor, evidence_id)
    return to_dict(row, used)


CHOICES = 100  # organisations offered at once on the page that asks whose evidence to show


def chooses_organisation(actor: Actor) -> bool:
    """Whether the actor, asking for the library without naming one, is asked whose: an admin,
    who belongs to no organisation but may see every one's."""
    return not actor.organisation_id and policy.is_admin(actor)


async def organisations_to_choose(actor: Actor, search_text: str | None) -> dict[str, Any]:
    """The organisations whose library an admin may open, by name, the first CHOICES of them
    matching `search_text`: {organisations, more, q}. Forbidden for anyone else."""
    if not chooses_organisation(actor):
        raise Forbidden("Evidence libraries can be seen by their organisation's own staff")
    words = search.words_of(search_text)
    query = Organisation.select(Organisation.slug, Organisation.name, Organisation.kind)
    if words:
        query = query.where(search.where(words, ("organisation.name", "organisation.slug")))
    rows = await query.order_by(Organisation.name).order_by(Organisation.slug).limit(CHOICES + 1)
    return {"organisations": rows[:CHOICES], "more": len(rows) > CHOICES, "q": " ".join(words)}


async def list_for_organisation(
    actor: Actor,
    organisation: str | uuid.UUID | None,
    page: int = 1,
    search_text: str | None = None,
) -> dict[str, Any]:
    """A page of the organisation's library (the actor's own if None), newest first, only the
    items matching `search_text` if given (app/search.py): {organisation, items, page, pages, total, q}.
    Invalid if the search is too long."""
    words = search.words_of(search_text)
    ref = organisation or actor.organisation_id
    if not ref:
        if not policy.is_admin(actor):
            raise Forbidden("Evidence libraries can be seen by their organisation's own staff")
        raise Invalid({"organisation": "Choose an organisation: ?organisation=SLUG"})
    org = await _organisation(ref)
    if org is None:
        raise NotFound(f"No organisation has slug or id '{str(ref)[:64]}'")
    if not policy.can_see_organisation_data(actor, org["id"]):
        raise Forbidden("You can only see your own organisation's evidence")
    where = Evidence.organisation == org["id"]
    if words:
        where = where & search.where(words, SEARCHED_COLUMNS)
    total = await Evidence.count().where(where)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = (
        await Evidence.select(*_COLUMNS)
        .where(where)
        .order_by(Evidence.uploaded_at, ascending=False)
        .order_by(Evidence.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    by_item: dict[uuid.UUID, list[Usage]] = defaultdict(list)
    for u in await usage_rows([r["id"] for r in rows]):
        by_item[u.evidence_id].append(u)
    today = dt.date.today()
    return {
        "organisation": {"id": str(org["id"]), "slug": org["slug"], "name": org["name"]},
        "items": [to_dict(r, by_item[r["id"]], today) for r in rows],
        "page": page,
        "pages": pages,
        "total": total,
        "q": " ".join(words),
    }


async def open_file(
    actor: Actor, evidence_id: str | uuid.UUID, *, settings: Settings
) -> tuple[dict[str, Any], AsyncIterator[bytes]]:
    """The item and its bytes as chunks, for whoever may see it, checked against the recorded
    size and SHA-256 as they stream (integrity.verified_chunks)."""
    row, used = await _visible(actor, evidence_id)
    store = storage_for(settings)
    if not await anyio.to_thread.run_sync(store.exists, row["sha256"]):
        await integrity.report(actor, row, "the file is missing")
        raise BlobMissing("The file for this evidence item is missing from storage")
    return to_dict(row, used), integrity.verified_chunks(store, row, actor)


# --- deleting --------------------------------------------------------------------------------


async def delete(actor: Actor, evidence_id: str | uuid.UUID, *, settings: Settings) -> None:
    """Delete an item that no submitted assessment uses (Conflict otherwise), with its links to
    draft or returned responses; its blob goes too once no other item has the same bytes."""
    row, _ = await _visible(actor, evidence_id)
    if not policy.can_change_evidence(actor, row["organisation"]):
        raise Forbidden("Only the organisation's own staff can delete its evidence")
    sha256 = row["sha256"]
    async with db.transaction():
        await _lock_blob(sha256)
        links = await ResponseEvidence.select(
            ResponseEvidence.response.as_alias("response"),
            ResponseEvidence.response.assessment.as_alias("assessment"),
            ResponseEvidence.response.element_code.as_alias("element"),
        ).where(ResponseEvidence.evidence == row["id"])
        assessment_ids = list({link["assessment"] for link in links})
        if assessment_ids:
            query = Assessment.select(Assessment.id, Assessment.status).where(
                Assessment.id.is_in(assessment_ids)
            )
            if db.is_postgres():
                query = query.lock_rows()  # a submit in flight finishes first
            if any(a["status"] not in EDITABLE_STATUSES for a in await query):
                raise Conflict(
                    f"'{row['title']}' is part of a submitted assessment, so it cannot be "
                    "deleted or changed. Upload a new file as a new evidence item instead."
                )
        await ResponseEvidence.delete().where(ResponseEvidence.evidence == row["id"])
        await Evidence.delete().where(Evidence.id == row["id"])
        before = to_dict(row)
        before["used_in"] = [
            {"assessment": str(x["assessment"]), "element": x["element"]} for x in links
        ]
        await record(actor, "evidence.delete", "evidence", row["id"], before=before)
    async with db.transaction():
        await _lock_blob(sha256)
        if not await Evidence.exists().where(Evidence.sha256 == sha256):
            await anyio.to_thread.run_sync(storage_for(settings).delete, sha256)
