"""The evidence an element page offers as checkboxes: the organisation's items by title, at most
LIMIT of them, or those matching what the person searched for (app/search.py); the items
already chosen are always among them, so a narrower list never drops a link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from app import db, search
from app.accounts import policy
from app.accounts.actor import Actor
from app.assessments import views
from app.assessments.views import AssessmentView
from app.evidence.freshness import is_stale
from app.evidence.tables import SEARCHED_COLUMNS, Evidence

LIMIT = 500
FIND_FROM = 11  # a library this large gets a search box on the element page


@dataclass(frozen=True)
class EvidenceChoices:
    items: list[dict[str, Any]] = field(default_factory=list)
    search: str = ""  # the words searched for; "" when the whole library is offered
    matching: int = 0  # items found (at most LIMIT), not counting chosen ones added to them
    more: bool = False  # more items matched (or the library holds more) than are listed

    @property
    def findable(self) -> bool:
        return bool(self.search) or self.matching >= FIND_FROM


def _sql(condition: str) -> str:
    return (
        f"SELECT {views.plain()}id AS id, title, filename, effective_on FROM evidence "  # noqa: S608
        f"WHERE organisation = {{}} {'AND ' + condition if condition else ''} "
        "ORDER BY title LIMIT {}"
    )


async def evidence_choices(
    actor: Actor, view: AssessmentView, include: list[str] | None = None, find: str = ""
) -> EvidenceChoices:
    """The organisation's evidence items an element may link to, by title, each marked `stale`
    when its document is old; items named in `include` are always there (if the organisation's).
    `find` narrows them to those matching its words; Invalid (naming `evidence_search`) if it is
    too long."""
    words = search.words_of(find, "evidence_search")
    if not policy.can_see_organisation_data(actor, view.organisation["id"]):
        return EvidenceChoices()
    organisation = view.organisation["id"]
    if words:
        condition, values = search.condition(words, SEARCHED_COLUMNS)
        rows = list(await Evidence.raw(_sql(condition), organisation, *values, LIMIT + 1))
    else:
        # Hand-written and read at once: every element page reads this, and Piccolo took longer
        # to build the query than the database took to answer it.
        rows = await db.read_by_key(Evidence, _sql(""), organisation, LIMIT + 1)
    more = len(rows) > LIMIT
    today = dt.date.today()
    choices = [_choice(r, today) for r in rows[:LIMIT]]
    listed = {c["id"] for c in choices}
    missing = [u for u in (_uuid(i) for i in include or []) if u is not None and u not in listed]
    if missing:
        columns = (Evidence.id, Evidence.title, Evidence.filename, Evidence.effective_on)
        of_organisation = Evidence.organisation == organisation
        linked = await Evidence.select(*columns).where(of_organisation & Evidence.id.is_in(missing))
        choices += [_choice(r, today) for r in linked]
    return EvidenceChoices(choices, " ".join(words), min(len(rows), LIMIT), more)


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def _choice(row: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """One evidence choice, whichever query read it (the id as text or as a UUID)."""
    return {
        "id": views.as_uuid(row["id"]),
        "title": row["title"],
        "filename": row["filename"],
        "effective_on": row["effective_on"],
        "stale": is_stale(row["effective_on"], today),
    }
