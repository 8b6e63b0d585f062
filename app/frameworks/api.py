"""JSON API for frameworks: list, load a file, one version as loaded, and the format's JSON Schema."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post

from app.accounts.auth import current_actor, require_user
from app.frameworks import service, upload
from app.frameworks.reading import MAX_BYTES
from app.frameworks.schema import framework_json_schema
from app.openapi import error_responses


class FrameworksController(Controller):
    path = "/api/v1/frameworks"
    tags = ["frameworks"]

    @get("/", guards=[require_user])
    async def list_frameworks(self) -> list[dict[str, Any]]:
        """Every loaded framework version."""
        return [service.summary(row) for row in await service.list_versions()]

    @post(
        "/",
        guards=[require_user],
        request_max_body_size=MAX_BYTES + 1,
        responses=error_responses(403, 409, 422),
    )
    async def load_framework(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        """Admin: a framework file (YAML or JSON) as the body, validated and stored as
        `charter frameworks load` does: 201 when stored, 200 when that very content is already
        loaded, 422 with every problem by LINE:COLUMN, 409 when the version is loaded with other
        content."""
        row, created = await upload.upload(current_actor(request), await request.body())
        return Response(service.summary(row), status_code=201 if created else 200)

    @get("/schema.json")
    async def schema(self) -> dict[str, Any]:
        """The JSON Schema of the framework file format, for editors and validators."""
        return framework_json_schema()

    @get("/{slug:str}/{version:str}", guards=[require_user])
    async def get_version(self, slug: str, version: str) -> dict[str, Any]:
        """One framework version with its themes, elements and scales."""
        row = await service.get_version(slug, version)
        return {**service.summary(row), "content": service.content_of(row)}
