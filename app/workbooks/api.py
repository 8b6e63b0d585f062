"""JSON API for workbooks: an assessment as .xlsx, and the filled-in workbook uploaded back."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post

from app.accounts.auth import current_actor, require_user
from app.openapi import error_responses
from app.workbooks import moderation, service
from app.workbooks.reading import MAX_UPLOAD_BYTES

# The form around the file, when the page's upload comes through here.
BODY_LIMIT = MAX_UPLOAD_BYTES + 64 * 1024


def xlsx(filename: str, data: bytes) -> Response[bytes]:
    return Response(
        data,
        media_type=service.XLSX,
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "private, no-store",
        },
    )


class WorkbooksController(Controller):
    path = "/api/v1/assessments/{assessment_id:uuid}"
    tags = ["workbooks"]
    guards = [require_user]

    @get("/workbook.xlsx", media_type=service.XLSX)
    async def self_assessment(
        self, request: Request[Any, Any, Any], assessment_id: UUID
    ) -> Response[bytes]:
        """The self-assessment as a workbook: a cover sheet, a sheet per theme and a row per
        element (score as a drop-down of the scale's labels, narrative, evidence linked, a
        hidden revision); only the answer cells can be typed in."""
        name, data = await service.self_assessment_workbook(current_actor(request), assessment_id)
        return xlsx(name, data)

    @post(
        "/workbook.xlsx",
        status_code=200,
        request_max_body_size=BODY_LIMIT,
        responses=error_responses(403, 404, 409, 422),
    )
    async def import_self_assessment(
        self, request: Request[Any, Any, Any], assessment_id: UUID
    ) -> dict[str, list[str]]:
        """Upload the workbook (the .xlsx file as the request body): 200 {updated, unchanged};
        422 naming each bad cell as Sheet!A1; 409 naming each element changed on the server
        since the download; nothing is stored unless it is all right."""
        data = await request.body()
        return await service.import_self_assessment(current_actor(request), assessment_id, data)

    @get("/moderation.xlsx", media_type=service.XLSX)
    async def moderation_workbook(
        self, request: Request[Any, Any, Any], assessment_id: UUID
    ) -> Response[bytes]:
        """The moderation as a workbook (for whoever may read the moderation): a row per element
        with the department's score and narrative, and the moderated score (a drop-down),
        rationale, strength and area for improvement to type, and a hidden revision."""
        name, data = await moderation.moderation_workbook(current_actor(request), assessment_id)
        return xlsx(name, data)

    @post(
        "/moderation.xlsx",
        status_code=200,
        request_max_body_size=BODY_LIMIT,
        responses=error_responses(403, 404, 409, 422),
    )
    async def import_moderation(
        self, request: Request[Any, Any, Any], assessment_id: UUID
    ) -> dict[str, list[str]]:
        """Upload the moderation workbook (the assigned assessor, in review; the .xlsx as the
        body): 200 {updated, unchanged}; 422 naming each bad cell as Sheet!A1; 409 naming each
        element moderated since the download; nothing is stored unless it is all right."""
        data = await request.body()
        return await moderation.import_moderation(current_actor(request), assessment_id, data)
