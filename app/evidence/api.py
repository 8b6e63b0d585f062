"""JSON API for evidence: upload (multipart), metadata, the file itself, the library, delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    Reference,
    RequestBody,
    Schema,
)
from litestar.response import Stream
from litestar.router import Router

from app.accounts.auth import current_actor, require_user
from app.evidence import service, serving
from app.evidence.content_types import BY_MEDIA_TYPE
from app.evidence.receiving import receive_form
from app.openapi import downloads, error_responses

UPLOAD_FIELDS: dict[str, Reference | Schema] = {
    "file": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
    "organisation": Schema(
        type=OpenAPIType.STRING,
        description="slug or id; the uploader's own organisation if omitted",
    ),
    "title": Schema(type=OpenAPIType.STRING, max_length=service.MAX_TITLE),
    "description": Schema(type=OpenAPIType.STRING, max_length=service.MAX_DESCRIPTION),
    "effective_on": Schema(
        type=OpenAPIType.STRING,
        format=OpenAPIFormat.DATE,
        description="when the document was produced or approved (YYYY-MM-DD)",
    ),
}


@dataclass
class UploadOperation(Operation):
    """The upload route reads its body itself (streamed to disk), so its form is described here."""

    def __post_init__(self) -> None:
        schema = Schema(
            type=OpenAPIType.OBJECT, properties=UPLOAD_FIELDS, required=["file", "title"]
        )
        self.request_body = RequestBody(
            content={"multipart/form-data": OpenAPIMediaType(schema=schema)}, required=True
        )


def too_large(request: Request[Any, Any, Any], _: RequestEntityTooLarge) -> Response[Any]:
    limit = request.app.state.settings.max_upload_mb
    message = f"The file must be {limit} MB or smaller"
    return Response(
        {"status_code": 413, "detail": message, "problems": {"file": message}}, status_code=413
    )


class EvidenceController(Controller):
    path = "/api/v1/evidence"
    tags = ["evidence"]
    guards = [require_user]
    exception_handlers = {RequestEntityTooLarge: too_large}

    def __init__(self, owner: Router) -> None:
        # The body limit follows this app's CHARTER_MAX_UPLOAD_MB, known once the app registers us.
        self.request_max_body_size = serving.body_limit(serving.settings_of(owner))
        super().__init__(owner)

    @post(
        "/",
        status_code=201,
        operation_class=UploadOperation,
        responses=error_responses(507),  # the disk filled up: nothing was kept
    )
    async def upload(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Upload one file (at most CHARTER_MAX_UPLOAD_MB) as a new evidence item."""
        actor = current_actor(request)
        settings = request.app.state.settings
        own = await service.upload_target(actor)  # refuse before reading the body
        form = await receive_form(request, settings, {"file"})
        try:
            fields = form.fields
            return await service.upload(
                actor,
                fields.get("organisation") or own["id"],
                fields.get("title", ""),
                fields.get("description", ""),
                fields.get("effective_on", ""),
                form.files.get("file"),
                settings=settings,
            )
        finally:
            form.discard(settings)

    @get("/")
    async def list_evidence(
        self,
        request: Request[Any, Any, Any],
        organisation: str | None = None,
        page: int = 1,
        q: str | None = None,
    ) -> dict[str, Any]:
        """A page of an organisation's evidence library (the caller's own by default), newest
        first; with `q`, only the items with every word of it in their title, file name or
        description (any case)."""
        actor = current_actor(request)
        return await service.list_for_organisation(actor, organisation, page, q)

    @get("/{evidence_id:uuid}")
    async def get_evidence(
        self, request: Request[Any, Any, Any], evidence_id: UUID
    ) -> dict[str, Any]:
        """One evidence item: title, file name, type, size, SHA-256, dates, and where it is used."""
        return await service.get(current_actor(request), evidence_id)

    @get("/{evidence_id:uuid}/file", operation_class=downloads(*BY_MEDIA_TYPE))
    async def download(self, request: Request[Any, Any, Any], evidence_id: UUID) -> Stream:
        """The file's bytes, as an attachment."""
        item, chunks = await service.open_file(
            current_actor(request), evidence_id, settings=request.app.state.settings
        )
        return serving.attachment(item, chunks)

    @delete("/{evidence_id:uuid}")
    async def delete_evidence(self, request: Request[Any, Any, Any], evidence_id: UUID) -> None:
        """Delete an item no submitted assessment uses (409 otherwise)."""
        await service.delete(
            current_actor(request), evidence_id, settings=request.app.state.settings
        )
