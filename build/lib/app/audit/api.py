"""JSON API for the audit record (administrators)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get

from app.accounts.auth import current_actor, require_user
from app.audit import service
from app.audit.forms import AuditFilterForm
from app.errors import Invalid
from app.openapi import error_responses


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["audit"]
    guards = [require_user]

    @get("/", responses=error_responses(422))  # its filters are read from the query by hand
    async def search(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Records newest first, 50 a page. Filters: `actor` (part of an email), `action` (or its
        start, like `user`), `object_type`, `object_id`, `date_from` and `date_to` (YYYY-MM-DD,
        UK days, inclusive), `page`."""
        actor = current_actor(request)
        form = AuditFilterForm.parse(request.query_params)
        service.search_allowed(actor)
        problems = form.validate()
        if problems:
            raise Invalid(problems)
        rows, total = await service.search(actor, form.to_filter(), form.page)
        return {
            "records": [service.record_dict(row) for row in rows],
            "page": form.page,
            "per_page": service.PER_PAGE,
            "total": total,
        }
