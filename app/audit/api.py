"""JSON API for the audit record (administrators)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import Parameter

from app.accounts.auth import current_actor, require_user
from app.audit import service
from app.audit.forms import AuditFilterForm
from app.errors import Invalid
from app.openapi import error_responses


def _query(description: str) -> Any:
    # Declared as text, so that the form (shared with /admin/audit) checks them and words the
    # problems; declared at all so that the OpenAPI document, and /schema, show them.
    return Parameter(query=None, description=description, required=False)


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["audit"]
    guards = [require_user]

    @get("/", responses=error_responses(422))
    async def search(
        self,
        request: Request[Any, Any, Any],
        actor: Annotated[str | None, _query("part of the actor's email, or cli")] = None,
        action: Annotated[str | None, _query("an action, or its start: user, user.create")] = None,
        object_type: Annotated[str | None, _query("user, organisation, assessment...")] = None,
        object_id: Annotated[str | None, _query("the changed object's id or slug")] = None,
        date_from: Annotated[str | None, _query("YYYY-MM-DD, a UK day, inclusive")] = None,
        date_to: Annotated[str | None, _query("YYYY-MM-DD, a UK day, inclusive")] = None,
        page: Annotated[
            str | None, _query("1 for the newest 50 records, 2 for the next...")
        ] = None,
    ) -> dict[str, Any]:
        """Administrators: audit records, newest first, 50 a page, by who, what and when."""
        query = {
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "date_from": date_from,
            "date_to": date_to,
            "page": page,
        }
        form = AuditFilterForm.parse(query)
        who = current_actor(request)
        service.search_allowed(who)
        problems = form.validate()
        if problems:
            raise Invalid(problems)
        rows, total = await service.search(who, form.to_filter(), form.page)
        return {
            "records": [service.record_dict(row) for row in rows],
            "page": form.page,
            "per_page": service.PER_PAGE,
            "total": total,
        }
