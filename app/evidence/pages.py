"""HTML pages: the organisation's evidence library, uploading several files, one item, deleting."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.response import Redirect, Response, Stream, Template
from litestar.router import Router

from app import search
from app.accounts import policy
from app.accounts.actor import Actor
from app.accounts.auth import current_actor, require_user
from app.errors import Invalid
from app.evidence import content_types, service, serving
from app.evidence.forms import FILE_FIELDS, UPLOAD_SLOTS, UploadForm
from app.evidence.receiving import receive_form


def safe_return(path: str | None) -> str | None:
    """A path on this site to go back to after uploading (never another site)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return None
    return path if path.isprintable() and len(path) <= 500 else None


def human_size(size: int) -> str:
    """GOV.UK style file sizes: "812 bytes", "14 KB", "3.2 MB"."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _view(item: dict[str, Any]) -> dict[str, Any]:
    """An item as the templates show it: real dates and a readable size."""
    effective = item["effective_on"]
    return {
        **item,
        "effective_date": dt.date.fromisoformat(effective) if effective else None,
        "uploaded": dt.datetime.fromisoformat(item["uploaded_at"]),
        "size_label": human_size(item["size"]),
    }


def _upload_page(
    request: Request[Any, Any, Any],
    organisation: dict[str, Any] | None,
    form: UploadForm,
    errors: dict[str, str],
    status_code: int = 200,
    return_to: str | None = None,
) -> Template:
    settings = request.app.state.settings
    actor = current_actor(request)
    return Template(
        "evidence/upload.html",
        context={
            "current_user": actor,
            "return_to": return_to,
            "organisation": organisation,
            "form": form,
            "errors": errors,
            "max_upload_mb": settings.max_upload_mb,
            "accept": content_types.ACCEPT,
            "allowed_labels": content_types.ALLOWED_LABELS,
            "slots": UPLOAD_SLOTS,
        },
        status_code=status_code,
    )


async def _choose_page(actor: Actor, q: str | None, error: str | None) -> Template:
    choice = await service.organisations_to_choose(actor, q)
    return Template(
        "evidence/choose.html",
        context={"current_user": actor, **choice, "search": q or "", "search_error": error},
        status_code=400 if error else 200,
    )


def too_large_page(request: Request[Any, Any, Any], _: RequestEntityTooLarge) -> Response[Any]:
    """Over the whole form's limit, nothing of it was read: say so on an empty form.
    (Exception handlers are synchronous, so the organisation's name is not looked up.)"""
    limit = request.app.state.settings.max_upload_mb
    message = f"Each file must be {limit} MB or smaller"
    return _upload_page(request, None, UploadForm(), {"file-1": message}, 413)


class EvidencePages(Controller):
    path = "/evidence"
    guards = [require_user]
    include_in_schema = False
    exception_handlers = {RequestEntityTooLarge: too_large_page}

    def __init__(self, owner: Router) -> None:
        # Room for a full-size file in every slot, from this app's CHARTER_MAX_UPLOAD_MB.
        self.request_max_body_size = serving.body_limit(serving.settings_of(owner), UPLOAD_SLOTS)
        super().__init__(owner)

    @get("/")
    async def library(
        self,
        request: Request[Any, Any, Any],
        organisation: str | None = None,
        page: int = 1,
        uploaded: int = 0,
        deleted: bool = False,
        q: str | None = None,
    ) -> Template:
        actor = current_actor(request)
        error = search.problem_with(q)  # shown beside the box, with the whole library
        if organisation is None and service.chooses_organisation(actor):
            return await _choose_page(actor, None if error else q, error)
        library = await service.list_for_organisation(
            actor, organisation, page, None if error else q
        )
        org_id = UUID(library["organisation"]["id"])
        query = {"organisation": library["organisation"]["slug"]}
        if library["q"]:
            query["q"] = library["q"]
        return Template(
            "evidence/library.html",
            context={
                "current_user": actor,
                "library": library,
                "items": [_view(i) for i in library["items"]],
                "can_upload": policy.can_change_evidence(actor, org_id),
                "uploaded": uploaded,
                "deleted": deleted,
                "search": (q or "") if error else library["q"],
                "search_error": error,
                "page_href": f"/evidence?{urlencode(query)}&page=",
            },
            status_code=400 if error else 200,
        )

    @get("/upload")
    async def upload_form(
        self, request: Request[Any, Any, Any], return_to: str | None = None
    ) -> Template:
        organisation = await service.upload_target(current_actor(request))
        return _upload_page(
            request, organisation, UploadForm(), {}, return_to=safe_return(return_to)
        )

    @post("/upload")
    async def upload(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        actor = current_actor(request)
        settings = request.app.state.settings
        organisation = await service.upload_target(actor)  # refuse before reading the body
        received = await receive_form(request, settings, FILE_FIELDS, stop_when_too_large=False)
        form = UploadForm.from_form(received.fields, received.files)
        return_to = safe_return(received.fields.get("return_to"))
        try:
            stored = await service.upload_many(
                actor,
                organisation["id"],
                form.drafts(),
                settings=settings,
                problems=form.validate(),
            )
        except Invalid as invalid:
            errors = form.in_page_order(invalid.problems)
            return _upload_page(request, organisation, form, errors, 400, return_to)
        finally:
            received.discard(settings)
        return Redirect(return_to or f"/evidence?uploaded={len(stored)}", status_code=303)

    @get("/{evidence_id:uuid}")
    async def show(self, request: Request[Any, Any, Any], evidence_id: UUID) -> Template:
        actor = current_actor(request)
        item = await service.get(actor, evidence_id)
        return Template(
            "evidence/show.html",
            context={
                "current_user": actor,
                "item": _view(item),
                "can_see_library": policy.can_see_organisation_data(
                    actor, UUID(item["organisation_id"])
                ),
                "can_delete": not item["frozen"]
                and policy.can_change_evidence(actor, UUID(item["organisation_id"])),
            },
        )

    @get("/{evidence_id:uuid}/download")
    async def download(self, request: Request[Any, Any, Any], evidence_id: UUID) -> Stream:
        item, chunks = await service.open_file(
            current_actor(request), evidence_id, settings=request.app.state.settings
        )
        return serving.attachment(item, chunks)

    @get("/{evidence_id:uuid}/delete")
    async def confirm_delete(self, request: Request[Any, Any, Any], evidence_id: UUID) -> Template:
        actor = current_actor(request)
        item = await service.get(actor, evidence_id)
        return Template(
            "evidence/delete.html",
            context={"current_user": actor, "item": _view(item)},
        )

    @post("/{evidence_id:uuid}/delete")
    async def delete(self, request: Request[Any, Any, Any], evidence_id: UUID) -> Redirect:
        await service.delete(
            current_actor(request), evidence_id, settings=request.app.state.settings
        )
        return Redirect("/evidence?deleted=true", status_code=303)
