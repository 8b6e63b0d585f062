"""Where evidence is used: its links to assessment responses, and whether they freeze it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.assessments.tables import ResponseEvidence

EDITABLE_STATUSES = ("draft", "returned")  # contract.md: links change only in these


@dataclass(frozen=True)
class Usage:
    evidence_id: uuid.UUID
    assessment_id: uuid.UUID
    element_code: str
    status: str
    organisation: uuid.UUID
    framework_title: str


def uuid_of(value: str | uuid.UUID) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def uuids_of(values: Iterable[uuid.UUID | str]) -> list[uuid.UUID]:
    """Distinct valid ids, in order; anything that is not an id is dropped."""
    return [i for i in dict.fromkeys(uuid_of(v) for v in values) if i is not None]


async def usage_rows(evidence_ids: Sequence[uuid.UUID]) -> list[Usage]:
    if not evidence_ids:
        return []
    link = ResponseEvidence
    rows = (
        await link.select(
            link.evidence.as_alias("evidence_id"),
            link.response.assessment.as_alias("assessment_id"),
            link.response.element_code.as_alias("element_code"),
            link.response.assessment.status.as_alias("status"),
            link.response.assessment.organisation.as_alias("organisation"),
            link.response.assessment.framework_version.title.as_alias("framework_title"),
        )
        .where(link.evidence.is_in(list(evidence_ids)))
        .order_by(link.id)
    )
    return [Usage(**r) for r in rows]


async def usages(
    evidence_ids: Iterable[uuid.UUID | str],
) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """Where each item is used, in one query: {evidence id: [(assessment id, element code)]}."""
    ids = uuids_of(evidence_ids)
    found: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {i: [] for i in ids}
    for u in await usage_rows(ids):
        found[u.evidence_id].append((u.assessment_id, u.element_code))
    return found


async def is_frozen(evidence_id: uuid.UUID | str) -> bool:
    """Linked to a response of an assessment past draft/returned: never deleted or changed."""
    ident = uuid_of(evidence_id)
    return ident is not None and await ResponseEvidence.exists().where(
        (ResponseEvidence.evidence == ident)
        & ResponseEvidence.response.assessment.status.not_in(list(EDITABLE_STATUSES))
    )
