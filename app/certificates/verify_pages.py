"""The public certificate check: by number or by uploading the PDF, and the service's signing
certificate with its fingerprint."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.response import Redirect, Template

from app.certificates import checking, service
from app.errors import Invalid, NotFound

DATES = ("issued_on", "expires_on", "revoked_on")
PEM_NAME = "charter-signing-certificate.pem"


def _view(certificate: dict[str, Any]) -> dict[str, Any]:
    """The public dict with its ISO dates as dates, for the templates' date filter."""
    return {k: dt.date.fromisoformat(v) if k in DATES and v else v for k, v in certificate.items()}


def _lookup(
    request: Request[Any, Any, Any], errors: dict[str, str], value: str = "", status: int = 200
) -> Template:
    return Template(
        template_name="certificates/lookup.html",
        context={
            "errors": errors,
            "value": value,
            "signing": checking.published(request.app.state.settings),
        },
        status_code=status,
    )


def _number_problem(wanted: str) -> str:
    return (
        f'"{wanted[:60]}" is not a certificate number: enter the number printed under the QR '
        "code, 32 letters and digits in groups such as 1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"
    )


@get("/verify", include_in_schema=False)
async def verify_lookup(
    request: Request[Any, Any, Any], id: str | None = None
) -> Template | Redirect:
    """A form to type or paste a certificate number, or upload the PDF, and the signing key."""
    wanted = (id or "").strip()
    if id is None:
        return _lookup(request, {})
    if not wanted:
        return _lookup(request, {"id": "Enter the certificate number"}, status=400)
    try:
        UUID(wanted)
    except ValueError:
        return _lookup(request, {"id": _number_problem(wanted)}, wanted, 400)
    return Redirect(f"/verify/{quote(wanted, safe='')}")


@get("/verify/signing-certificate.pem", include_in_schema=False)
async def signing_certificate(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The certificate whose key signs every Charter certificate PDF (public)."""
    return Response(
        checking.published(request.app.state.settings).pem,
        media_type="application/x-pem-file",
        headers={"content-disposition": f'attachment; filename="{PEM_NAME}"'},
    )


@get("/verify/{certificate:str}", include_in_schema=False)
async def verify(request: Request[Any, Any, Any], certificate: str) -> Template:
    try:
        shown = await service.show(certificate)
    except NotFound:
        wanted = certificate.strip()
        try:
            UUID(wanted)
        except ValueError:
            return _lookup(request, {"id": _number_problem(wanted)}, wanted, 404)
        message = (
            f"No certificate has the number {wanted}: check it against the number printed "
            "under the QR code"
        )
        return _lookup(request, {"id": message}, wanted, 404)
    return Template(
        template_name="certificates/verify.html",
        context={
            "certificate": _view(shown),
            "signing": checking.published(request.app.state.settings),
        },
    )


def _too_large(request: Request[Any, Any, Any], _: RequestEntityTooLarge) -> Response[Any]:
    return _lookup(request, {"file": checking.TOO_LARGE}, status=413)


@post(
    "/verify/check",
    include_in_schema=False,
    exception_handlers={RequestEntityTooLarge: _too_large},
)
async def check_upload(request: Request[Any, Any, Any]) -> Template:
    """Anyone uploads a certificate PDF and is told whether it is genuine, and which it is."""
    form = await request.form()
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    try:
        result = await checking.check(request.app.state.settings, data)
    except Invalid as exc:
        return _lookup(request, exc.problems, status=400)
    certificate = result["certificate"]
    return Template(
        template_name="certificates/checked.html",
        context={
            "result": result,
            "certificate": _view(certificate) if certificate else None,
            "signing": checking.published(request.app.state.settings),
        },
    )


ROUTES = [verify_lookup, signing_certificate, verify, check_upload]
