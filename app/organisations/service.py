"""Organisations: create, list, find and change. Only administrators (and the command line) create
or change them; the slug never changes, being in links, the API and published tables."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from app import db, search
from app.accounts import policy
from app.audit.service import record
from app.errors import Forbidden, Invalid, NotFound
from app.names import name_problem
from app.organisations.kinds import KINDS
from app.organisations.tables import Organisation

if TYPE_CHECKING:
    from piccolo.query.methods.count import Count
    from piccolo.query.methods.select import Select

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_DEPTH = 32  # organisations within organisations: far more than government has


class Keep:
    """The parent argument's default: keep the parent as it is (None means none)."""


KEEP = Keep()
Q = TypeVar("Q", "Select", "Count")


def validate(slug: str, name: str, kind: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not SLUG.match(slug or "") or len(slug) > 64:
        problems["slug"] = (
            "Enter a slug of lower-case letters, digits and single hyphens, like 'hm-revenue'"
        )
    problem = name_problem((name or "").strip(), "Enter the organisation's name")
    if problem:
        problems["name"] = problem
    if kind not in KINDS:
        problems["kind"] = f"Kind must be one of: {', '.join(KINDS)}"
    return problems


def to_dict(row: dict[str, Any], parent_slug: str | None = None) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "slug": row["slug"],
        "name": row["name"],
        "kind": row["kind"],
        "parent": parent_slug,
    }


async def create(
    actor: Any, slug: str, name: str, kind: str = "department", parent: str | None = None
) -> dict[str, Any]:
    if not policy.may_manage_organisations(actor):
        raise Forbidden("Only an administrator can create organisations")
    slug, name, kind = (slug or "").strip(), (name or "").strip(), (kind or "").strip()
    parent = (parent or "").strip() or None
    problems = validate(slug, name, kind)
    async with db.transaction():
        if not problems and await Organisation.exists().where(Organisation.slug == slug):
            problems["slug"] = f"An organisation with slug '{slug}' already exists"
        parent_row = None
        if parent:
            parent_row = await Organisation.select().where(Organisation.slug == parent).first()
            if parent_row is None:
                problems["parent"] = f"No organisation has slug '{parent}'"
        if problems:
            raise Invalid(problems)
        org = Organisation(
            slug=slug, name=name, kind=kind, parent=parent_row["id"] if parent_row else None
        )
        await org.save()
        result = to_dict(org.to_dict(), parent)
        await record(actor, "organisation.create", "organisation", org.id, after=result)
    return result


SEARCHED_COLUMNS = ("organisation.name", "organisation.slug")


async def list_all(
    limit: int = 1000, search_text: str | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """By name (then slug), at most `limit` from `offset`; with `search_text`, only those with
    every word of it in their name or slug (Invalid, naming `q`, if it is too long)."""
    query = _matching(
        Organisation.select(
            *Organisation.all_columns(), Organisation.parent.slug.as_alias("parent_slug")
        ),
        search_text,
    )
    query = query.order_by(Organisation.name).order_by(Organisation.slug)
    rows = await query.limit(limit).offset(offset)
    return [to_dict(r, r["parent_slug"]) for r in rows]


async def count(search_text: str | None = None) -> int:
    """How many list_all would list with no limit."""
    return await _matching(Organisation.count(), search_text)


def _matching(query: Q, search_text: str | None) -> Q:
    words = search.words_of(search_text)
    return query.where(search.where(words, SEARCHED_COLUMNS)) if words else query


async def get(slug: str) -> dict[str, Any]:
    """One organisation as the API shows it; NotFound naming the slug otherwise."""
    row = (
        await Organisation.select(
            *Organisation.all_columns(), Organisation.parent.slug.as_alias("parent_slug")
        )
        .where(Organisation.slug == slug)
        .first()
    )
    if row is None:
        raise NotFound(f"No organisation has slug '{slug}'")
    return to_dict(row, row["parent_slug"])


async def change(
    actor: Any,
    slug: str,
    name: str | None = None,
    kind: str | None = None,
    parent: str | Keep | None = KEEP,
) -> dict[str, Any]:
    """A new name, kind or parent organisation (a department renamed, an agency moved to another
    department); None, or KEEP for the parent, keeps what is there, and "" or None as the parent
    makes it stand alone. Certificates already issued keep the name they were issued to;
    published league tables keep theirs; everything else shows the new one."""
    if not policy.may_manage_organisations(actor):
        raise Forbidden("Only an administrator can change organisations")
    async with db.transaction():
        before = await get(slug)
        org_id = uuid.UUID(before["id"])
        new_name = before["name"] if name is None else name.strip()
        new_kind = before["kind"] if kind is None else kind.strip()
        new_parent = before["parent"] if isinstance(parent, Keep) else (parent or "").strip()
        problems = validate(slug, new_name, new_kind)
        parent_id = None
        if new_parent:
            parent_id, problem = await _parent_problem(org_id, new_parent)
            if problem:
                problems["parent"] = problem
        if problems:
            raise Invalid(problems)
        after = dict(before, name=new_name, kind=new_kind, parent=new_parent or None)
        if after != before:
            await Organisation.update(
                {
                    Organisation.name: new_name,
                    Organisation.kind: new_kind,
                    Organisation.parent: parent_id,
                }
            ).where(Organisation.id == org_id)
            await record(
                actor,
                "organisation.change",
                "organisation",
                org_id,
                before=before,
                after=after,
            )
    return after


async def _parent_problem(org_id: uuid.UUID, parent: str) -> tuple[Any, str | None]:
    """The parent's id, and what is wrong with making it this organisation's parent: it must
    exist and must not be this organisation or one that is part of it."""
    found = await Organisation.select(Organisation.id).where(Organisation.slug == parent).first()
    if found is None:
        return None, f"No organisation has slug '{parent}'"
    if found["id"] == org_id:
        return None, "An organisation cannot be part of itself"
    ancestor: Any = found["id"]
    for _ in range(MAX_DEPTH):
        if ancestor is None:
            return found["id"], None
        if ancestor == org_id:
            return None, f"'{parent}' is part of this organisation, so it cannot also contain it"
        up = (
            await Organisation.select(Organisation.parent)
            .where(Organisation.id == ancestor)
            .first()
        )
        ancestor = up["parent"] if up else None
    return None, f"'{parent}' is part of too many organisations in turn"


async def by_slug(slug: str) -> dict[str, Any]:
    row = await Organisation.select().where(Organisation.slug == slug).first()
    if row is None:
        raise NotFound(f"No organisation has slug '{slug}'")
    return row


@dataclass(frozen=True)
class Family:
    """An organisation with those above it (its parent, theirs ...) and those below it (its
    children, theirs ...): who works for any of them is not independent of it."""

    id: uuid.UUID
    above: frozenset[uuid.UUID]
    below: frozenset[uuid.UUID]

    @property
    def members(self) -> frozenset[uuid.UUID]:
        return self.above | self.below | {self.id}

    def relation(self, other: uuid.UUID | None) -> str | None:
        """ "same", "above" or "below" for an organisation in the family; None outside it."""
        if other is None:
            return None
        if other == self.id:
            return "same"
        if other in self.above:
            return "above"
        return "below" if other in self.below else None


async def family(org_id: uuid.UUID) -> Family:
    """The organisation's family: one query per level up or down (MAX_DEPTH bounds both), never
    one per organisation."""
    above: set[uuid.UUID] = set()
    row = await Organisation.select(Organisation.parent).where(Organisation.id == org_id).first()
    parent = row["parent"] if row else None
    for _ in range(MAX_DEPTH):
        if parent is None or parent in above or parent == org_id:
            break
        above.add(parent)
        up = await Organisation.select(Organisation.parent).where(Organisation.id == parent).first()
        parent = up["parent"] if up else None
    below: set[uuid.UUID] = set()
    frontier = [org_id]
    for _ in range(MAX_DEPTH):
        children = await Organisation.select(Organisation.id).where(
            Organisation.parent.is_in(frontier)
        )
        frontier = [c["id"] for c in children if c["id"] not in below and c["id"] != org_id]
        if not frontier:
            break
        below.update(frontier)
    return Family(org_id, frozenset(above), frozenset(below))
