"""HTML pages: the loaded frameworks, and one version with its themes, criteria and elements."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from app.accounts.auth import require_user
from app.frameworks import service


class FrameworkPages(Controller):
    path = "/frameworks"
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        rows = await service.list_versions()
        latest = await service.latest_version_ids()
        return Template(
            "frameworks/index.html",
            context={"versions": [{**r, "latest": r["id"] in latest} for r in rows]},
        )

    @get("/{slug:str}")
    async def show_latest(self, request: Request[Any, Any, Any], slug: str) -> Template:
        """The version in force, for an address without a version."""
        row = await service.latest_version(slug)
        return Template(
            "frameworks/show.html", context={"row": row, "framework": service.model_of(row)}
        )

    @get("/{slug:str}/{version:str}")
    async def show(self, request: Request[Any, Any, Any], slug: str, version: str) -> Template:
        row = await service.get_version(slug, version)
        return Template(
            "frameworks/show.html", context={"row": row, "framework": service.model_of(row)}
        )
