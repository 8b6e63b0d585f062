"""JSON API for organisations."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, JSONBody

from app.accounts.auth import current_actor, require_user
from app.organisations import service


class OrganisationBody(msgspec.Struct):
    slug: str
    name: str
    kind: str = "department"
    parent: str | None = None


class OrganisationChangeBody(msgspec.Struct):
    name: str | None = None
    kind: str | None = None
    parent: str | msgspec.UnsetType | None = msgspec.UNSET


class OrganisationsController(Controller):
    path = "/api/v1/organisations"
    tags = ["organisations"]
    guards = [require_user]

    @post("/", status_code=201)
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[OrganisationBody]
    ) -> dict[str, Any]:
        """Admins: add an organisation (slug, name, kind, perhaps a parent organisation)."""
        return await service.create(
            current_actor(request), data.slug, data.name, data.kind, data.parent
        )

    @get("/")
    async def list_organisations(self, q: str | None = None) -> list[dict[str, Any]]:
        """Every organisation, by name (at most 1,000); with `q`, only those with every word of
        it in their name or slug (any case)."""
        return await service.list_all(search_text=q)

    @get("/{slug:str}")
    async def get_organisation(self, slug: FromPath[str]) -> dict[str, Any]:
        """One organisation: slug, name, kind and the slug of the one it is part of."""
        return await service.get(slug)

    @patch("/{slug:str}")
    async def change(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[OrganisationChangeBody],
    ) -> dict[str, Any]:
        """Admins: a new `name`, `kind` or `parent` (a slug, or null to stand alone); each may be
        left out. The slug never changes. Certificates already issued keep the name they were
        issued to, and published league tables theirs."""
        parent = service.KEEP if data.parent is msgspec.UNSET else data.parent
        return await service.change(current_actor(request), slug, data.name, data.kind, parent)
