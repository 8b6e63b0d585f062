"""HTML pages for workbooks: upload a filled-in self-assessment workbook (the download is a link)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.accounts.auth import current_actor, require_user
from app.assessments import service as assessments
from app.errors import Conflict, Invalid
from app.workbooks import service
from app.workbooks.api import BODY_LIMIT
from app.workbooks.reading import MAX_UPLOAD_BYTES


class WorkbookPages(Controller):
    path = "/assessments/{assessment_id:uuid}/workbook"
    include_in_schema = False
    guards = [require_user]

    @get("/")
    async def upload_form(
        self,
        request: Request[Any, Any, Any],
        assessment_id: FromPath[UUID],
        updated: int | None = None,
        unchanged: int | None = None,
    ) -> Template:
        view = await assessments.get(current_actor(request), assessment_id)
        done = {"updated": updated, "unchanged": unchanged} if updated is not None else None
        return _page(request, view, done=done)

    @post("/", request_max_body_size=BODY_LIMIT)
    async def upload(
        self, request: Request[Any, Any, Any], assessment_id: FromPath[UUID]
    ) -> Template | Redirect:
        actor = current_actor(request)
        view = await assessments.get(actor, assessment_id)
        form = await request.form()
        upload = form.get("file")
        data = await upload.read(MAX_UPLOAD_BYTES + 1) if isinstance(upload, UploadFile) else b""
        try:
            result = await service.import_self_assessment(actor, view.id, data)
        except Invalid as exc:
            cells = {k: v for k, v in exc.problems.items() if k != "file"}
            message = exc.problems.get("file") or exc.message
            return _page(request, view, status=400, errors={"file": message}, cells=cells)
        except Conflict as exc:
            return _page(
                request,
                view,
                status=409,
                errors={"file": exc.message},
                conflicts=exc.extra.get("conflicts", []),
            )
        counts = f"updated={len(result['updated'])}&unchanged={len(result['unchanged'])}"
        return Redirect(f"/assessments/{view.id}/workbook?{counts}", status_code=303)


def _page(
    request: Request[Any, Any, Any], view: Any, status: int = 200, **context: Any
) -> Template:
    return Template(
        "workbooks/upload.html",
        context={
            "current_user": current_actor(request),
            "view": view,
            "base": f"/assessments/{view.id}",
            "errors": {},
            "cells": {},
            "conflicts": [],
            "done": None,
            **context,
        },
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )
