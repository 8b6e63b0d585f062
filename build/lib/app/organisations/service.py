"""Organisations: create and list. Only administrators (and the command line) create them."""

from __future__ import annotations

import re
from typing import Any

from app import db
from app.accounts import policy
from app.audit.service import record
from app.errors import Forbidden, Invalid, NotFound
from app.organisations.kinds import KINDS
from app.organisations.tables import Organisation

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def validate(slug: str, name: str, kind: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not SLUG.match(slug or "") or len(slug) > 64:
        problems["slug"] = (
            "Enter a slug of lower-case letters, digits and single hyphens, like 'hm-revenue'"
        )
    if not (name or "").strip():
        problems["name"] = "Enter the organisation's name"
    elif len(name) > 200:
        problems["name"] = "Name must be 200 characters or fewer"
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


async def list_all(limit: int = 1000) -> list[dict[str, Any]]:
    rows = (
        await Organisation.select(
            *Organisation.all_columns(), Organisation.parent.slug.as_alias("parent_slug")
        )
        .order_by(Organisation.name)
        .limit(limit)
    )
    return [to_dict(r, r["parent_slug"]) for r in rows]


async def by_slug(slug: str) -> dict[str, Any]:
    row = await Organisation.select().where(Organisation.slug == slug).first()
    if row is None:
        raise NotFound(f"No organisation has slug '{slug}'")
    return row
