"""JSON API routes for board reports: the PDF of a concluded assessment."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get

from app.accounts.auth import current_actor, require_user
from app.openapi import error_responses
from app.reports import service


@get(
    "/api/v1/assessments/{assessment_id:uuid}/report.pdf",
    guards=[require_user],
    tags=["reports"],
    media_type="application/pdf",
    summary="The board report of a concluded assessment (PDF)",
    responses=error_responses(409),  # the assessment is not concluded yet
)
async def board_report_pdf(request: Request[Any, Any, Any], assessment_id: UUID) -> Response[bytes]:
    """The board report as a PDF: award, self-assessed against moderated scores by theme,
    strengths and improvements, change since the last assessment, league table position and an
    action plan. 409 until the assessment is concluded."""
    filename, data = await service.board_report_pdf(current_actor(request), assessment_id)
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "private, no-store",
        },
    )
