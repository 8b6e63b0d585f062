"""JSON API for certificates: anyone reads one or gets its signed PDF; lead assessors and admins
list them (the register); lead assessors revoke."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import JSONBody

from app.accounts.auth import current_actor, require_user
from app.certificates import checking, register, service
from app.openapi import downloads, uploads

PDF_SUFFIX = ".pdf"


class RevokeBody(msgspec.Struct):
    reason: str


class CheckResult(msgspec.Struct):
    genuine: bool  # signed with Charter's key, valid, covering the whole file
    reason: str  # why (not) genuine, in words
    certificate: dict[str, Any] | None  # which certificate, with its status today


class CertificatesController(Controller):
    path = "/api/v1/certificates"
    tags = ["certificates"]

    @post(
        "/verify",
        status_code=200,
        operation_class=uploads("application/pdf", "multipart/form-data"),
        summary="Is this PDF a genuine, unaltered Charter certificate?",
        description=(
            "Send a certificate PDF as the body (`Content-Type: application/pdf`) or as the "
            "`file` field of a `multipart/form-data` form, 2 MB at most. Answers `{genuine, "
            "reason, certificate}`: genuine when its signature is valid, made with Charter's "
            "signing certificate (`/verify/signing-certificate.pem`) and covers the whole file; "
            "`certificate` is then its public record with its status today. 422 naming `file` "
            "when the body is empty or not a PDF. Anyone may ask, signed in or not."
        ),
    )
    async def check(self, request: Request[Any, Any, Any]) -> CheckResult:
        if request.content_type[0] == "multipart/form-data":
            upload = (await request.form()).get("file")
            data = await upload.read() if isinstance(upload, UploadFile) else b""
        else:
            data = await request.body()
        result = await checking.check(request.app.state.settings, data)
        return CheckResult(**result)

    @get(
        "/",
        guards=[require_user],
        summary="The certificates register (lead assessors and admins)",
        description=(
            "Every certificate, newest issue first (soonest expiry first for `status=expiring` or "
            "`expired`), 50 a page: `{certificates: [{id, assessment, organisation_name, "
            "organisation_renamed_to, framework, framework_title, version, award_label, "
            "issued_on, expires_on, review_due_on, status, revoked_at}], total, page, per_page}`. "
            "`q`: words of the organisation's name, or the start of a certificate number; "
            "`status`: valid, expiring (valid, expiring within 90 days), expired or revoked; "
            "`framework`: a framework slug; `page`: from 1."
        ),
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        q: str | None = None,
        status: str | None = None,
        framework: str | None = None,
        page: str | None = None,
    ) -> dict[str, Any]:
        actor = current_actor(request)
        register.may_read(actor)
        filters = register.filters_of(q, status, framework, page)
        rows, total = await register.listing(actor, filters)
        return {
            "certificates": [register.for_api(row) for row in rows],
            "total": total,
            "page": filters.page,
            "per_page": register.PER_PAGE,
        }

    @get(
        "/{certificate:str}",
        operation_class=downloads("application/pdf", or_json=True),
        summary="A certificate, or its signed PDF when the id ends in .pdf",
        description=(
            "`GET /api/v1/certificates/{id}` answers `{id, organisation, framework, version, "
            "award, "
            "issued_on, expires_on, status}` (status: valid, expired or revoked). "
            "`GET /api/v1/certificates/{id}.pdf` answers the certificate as a PAdES-signed PDF; "
            "the same bytes on every download. Anyone may ask, signed in or not."
        ),
    )
    async def show(self, request: Request[Any, Any, Any], certificate: str) -> Response[Any]:
        if certificate.endswith(PDF_SUFFIX):
            settings = request.app.state.settings
            filename, data = await service.pdf_of(settings, certificate.removesuffix(PDF_SUFFIX))
            return Response(
                data,
                media_type="application/pdf",
                headers={"content-disposition": f'attachment; filename="{filename}"'},
            )
        return Response(await service.show(certificate))

    @post("/{certificate:str}/revoke", status_code=200, guards=[require_user])
    async def revoke(
        self, request: Request[Any, Any, Any], certificate: str, data: JSONBody[RevokeBody]
    ) -> dict[str, Any]:
        """Lead assessors: revoke a certificate with a reason; checks show it revoked."""
        return await service.revoke(current_actor(request), certificate, data.reason)
