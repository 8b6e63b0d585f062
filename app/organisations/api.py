"""JSON API for organisations."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from app.accounts.auth import current_actor, require_user
from app.organisations import service


class OrganisationBody(msgspec.Struct):
    slug: str
    name: str
    kind: str = "department"
    parent: str | None = None


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
    async def list_organisations(self) -> list[dict[str, Any]]:
        """Every organisation, by name."""
        return await service.list_all()
