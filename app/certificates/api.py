"""JSON API for certificates: anyone reads one or gets its signed PDF; lead assessors revoke."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from app.accounts.auth import current_actor, require_user
from app.certificates import service
from app.openapi import downloads

PDF_SUFFIX = ".pdf"


class RevokeBody(msgspec.Struct):
    reason: str


class CertificatesController(Controller):
    path = "/api/v1/certificates"
    tags = ["certificates"]

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
