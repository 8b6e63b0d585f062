"""HTML pages for board reports: the preview of a concluded assessment's report."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.response import Template

from app.accounts.auth import current_actor, require_user
from app.reports import service


@get("/assessments/{assessment_id:uuid}/report", guards=[require_user], include_in_schema=False)
async def board_report_preview(request: Request[Any, Any, Any], assessment_id: UUID) -> Template:
    actor = current_actor(request)
    report = await service.board_report(actor, assessment_id)
    return Template(
        template_name="reports/preview.html", context={"report": report, "current_user": actor}
    )
