"""HTML pages for workbooks: upload a filled-in workbook (the downloads are links to the API)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.accounts.actor import Actor
from app.accounts.auth import current_actor, require_user
from app.assessments import service as assessments
from app.errors import Conflict, Invalid
from app.moderation.sheet import moderation_sheet
from app.workbooks import moderation, service
from app.workbooks.api import BODY_LIMIT
from app.workbooks.reading import MAX_UPLOAD_BYTES

Importer = Callable[[Actor, UUID, bytes], Awaitable[dict[str, list[str]]]]


async def _upload(
    request: Request[Any, Any, Any], context: dict[str, Any], importer: Importer, back: str
) -> Template | Redirect:
    form = await request.form()
    upload = form.get("file")
    data = await upload.read(MAX_UPLOAD_BYTES + 1) if isinstance(upload, UploadFile) else b""
    try:
        result = await importer(current_actor(request), context["assessment_id"], data)
    except Invalid as exc:
        cells = {k: v for k, v in exc.problems.items() if k != "file"}
        message = exc.problems.get("file") or exc.message
        return _page(request, context, status=400, errors={"file": message}, cells=cells)
    except Conflict as exc:
        conflicts = exc.extra.get("conflicts", [])
        return _page(request, context, 409, errors={"file": exc.message}, conflicts=conflicts)
    counts = f"updated={len(result['updated'])}&unchanged={len(result['unchanged'])}"
    return Redirect(f"{back}?{counts}", status_code=303)


def _done(updated: int | None, unchanged: int | None) -> dict[str, int | None] | None:
    return {"updated": updated, "unchanged": unchanged} if updated is not None else None


class WorkbookPages(Controller):
    path = "/assessments/{assessment_id:uuid}/workbook"
    include_in_schema = False
    guards = [require_user]

    async def _context(
        self, request: Request[Any, Any, Any], assessment_id: UUID
    ) -> dict[str, Any]:
        view = await assessments.get(current_actor(request), assessment_id)
        fw = view.framework_row
        return {
            "assessment_id": view.id,
            "caption": f"{view.organisation['name']}: {fw['title']} {fw['version']}",
            "base": f"/assessments/{view.id}",
            "download": f"/api/v1/assessments/{view.id}/workbook.xlsx",
            "what": "the score and narrative of each element",
        }

    @get("/")
    async def upload_form(
        self,
        request: Request[Any, Any, Any],
        assessment_id: FromPath[UUID],
        updated: int | None = None,
        unchanged: int | None = None,
    ) -> Template:
        context = await self._context(request, assessment_id)
        return _page(request, context, done=_done(updated, unchanged))

    @post("/", request_max_body_size=BODY_LIMIT)
    async def upload(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        context = await self._context(request, assessment_id)
        back = f"/assessments/{context['assessment_id']}/workbook"
        return await _upload(request, context, service.import_self_assessment, back)


class ModerationWorkbookPages(Controller):
    path = "/moderation/{assessment_id:uuid}/workbook"
    include_in_schema = False
    guards = [require_user]

    async def _context(
        self, request: Request[Any, Any, Any], assessment_id: UUID
    ) -> dict[str, Any]:
        sheet = await moderation_sheet(current_actor(request), assessment_id)
        return {
            "assessment_id": assessment_id,
            "caption": f"{sheet['organisation']}: moderation",
            "base": f"/moderation/{assessment_id}",
            "download": f"/api/v1/assessments/{assessment_id}/moderation.xlsx",
            "what": "the moderated score, rationale, strength and area for improvement of each element",
        }

    @get("/")
    async def upload_form(
        self,
        request: Request[Any, Any, Any],
        assessment_id: FromPath[UUID],
        updated: int | None = None,
        unchanged: int | None = None,
    ) -> Template:
        context = await self._context(request, assessment_id)
        return _page(request, context, done=_done(updated, unchanged))

    @post("/", request_max_body_size=BODY_LIMIT)
    async def upload(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        context = await self._context(request, assessment_id)
        back = f"/moderation/{assessment_id}/workbook"
        return await _upload(request, context, moderation.import_moderation, back)


def _page(
    request: Request[Any, Any, Any], context: dict[str, Any], status: int = 200, **more: Any
) -> Template:
    return Template(
        "workbooks/upload.html",
        context={
            "current_user": current_actor(request),
            "errors": {},
            "cells": {},
            "conflicts": [],
            "done": None,
            **context,
            **more,
        },
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )
