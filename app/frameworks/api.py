"""JSON API for frameworks: list, one version as loaded, and the format's JSON Schema."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get

from app.accounts.auth import require_user
from app.frameworks import service
from app.frameworks.schema import framework_json_schema


class FrameworksController(Controller):
    path = "/api/v1/frameworks"
    tags = ["frameworks"]

    @get("/", guards=[require_user])
    async def list_frameworks(self) -> list[dict[str, Any]]:
        """Every loaded framework version."""
        return [service.summary(row) for row in await service.list_versions()]

    @get("/schema.json")
    async def schema(self) -> dict[str, Any]:
        """The JSON Schema of the framework file format, for editors and validators."""
        return framework_json_schema()

    @get("/{slug:str}/{version:str}", guards=[require_user])
    async def get_version(self, slug: str, version: str) -> dict[str, Any]:
        """One framework version with its themes, elements and scales."""
        row = await service.get_version(slug, version)
        return {**service.summary(row), "content": service.content_of(row)}
