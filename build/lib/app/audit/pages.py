"""The administrators' page for browsing and filtering the audit record."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from app.accounts.auth import current_actor, require_user
from app.audit import service
from app.audit.forms import AuditFilterForm
from app.audit.pagination import pagination


def describe_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """One line per field: "role: assessor → lead_assessor", or just the value when created."""
    before, after = before or {}, after or {}
    lines = []
    for key in sorted(set(before) | set(after), key=lambda k: (k not in after, k)):
        old, new = before.get(key), after.get(key)
        if key in before and key in after:
            if old != new:
                lines.append(f"{key}: {_shown(old)} → {_shown(new)}")
        elif key in after:
            lines.append(f"{key}: {_shown(new)}")
        else:
            lines.append(f"{key}: {_shown(old)} (removed)")
    return lines


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    text = value if isinstance(value, str) else service._canonical(value)
    return text if len(text) <= 120 else text[:119] + "…"


class AuditPages(Controller):
    path = "/admin/audit"
    guards = [require_user]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        actor = current_actor(request)
        service.search_allowed(actor)
        form = AuditFilterForm.parse(request.query_params)
        errors = form.validate()
        rows: list[dict[str, Any]] = []
        total = 0
        if not errors:
            rows, total = await service.search(actor, form.to_filter(), form.page)
        for row in rows:
            row["changes"] = describe_changes(row["before"], row["after"])
        return Template(
            "audit/index.html",
            context={
                "records": rows,
                "total": total,
                "values": form.values,
                "errors": errors,
                "object_types": await service.object_types(),
                "pagination": pagination(
                    form.page, service.PER_PAGE, total, "/admin/audit", form.values
                ),
                "current_user": actor,
            },
            status_code=400 if errors else 200,
        )
