"""Is this PDF a genuine, unaltered Charter certificate? Its signature must be valid, made with
the service's own signing certificate, and cover the whole file; then which certificate it is and
its status today."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any

from app.certificates import signing
from app.certificates.tables import Certificate
from app.errors import Invalid
from app.settings import Settings

MAX_BYTES = 2 * 1024 * 1024  # a certificate is about 100 KB; the app's body limit is 2 MB
TOO_LARGE = "The file must be 2 MB or smaller: a Charter certificate is about 100 KB"
NUMBER = re.compile(r"/verify/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


@dataclass(frozen=True)
class Published:
    """The service's signing certificate as the verify pages publish it."""

    pem: bytes
    fingerprint: str  # SHA-256, AB:CD:...


def published(settings: Settings) -> Published:
    pem = signing.certificate_pem(signing.credentials(settings))
    return Published(pem, signing.fingerprint(pem))


def _refuse_unreadable(data: bytes) -> None:
    if not data:
        raise Invalid({"file": "Choose a certificate PDF to check: the file was empty"})
    if len(data) > MAX_BYTES:
        raise Invalid({"file": TOO_LARGE})
    if not data.lstrip()[:5] == b"%PDF-":
        raise Invalid({"file": "The file is not a PDF: choose the certificate PDF you were given"})


async def _signature_problem(data: bytes, ours: bytes) -> str | None:
    """Why the file is not signed by us, whole and unaltered; None when it is."""
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError):
        return "The file could not be read as a PDF"
    if not signatures:
        return "The PDF has no digital signature, so it is not a Charter certificate"
    if len(signatures) != 1:
        return "The PDF has more than one signature: a Charter certificate has exactly one"
    signature = signatures[0]
    _, _, der = pem.unarmor(ours)
    root = x509.Certificate.load(der)
    if signature.signer_cert.dump() != root.dump():
        return "The PDF was signed, but not with Charter's signing certificate"
    try:
        status = await async_validate_pdf_signature(
            signature, ValidationContext(trust_roots=[root])
        )
    except Exception:  # pyHanko raises many kinds for a malformed signature
        return "The PDF's signature could not be checked: it is damaged"
    if not (status.intact and status.valid):
        return "The PDF was changed after Charter signed it"
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return "The PDF has content added after Charter signed it"
    return None


def _number_in(data: bytes) -> str | None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "".join((page.extract_text() or "") for page in reader.pages)
    found = NUMBER.search("".join(text.split()))
    return found.group(1) if found else None


async def check(settings: Settings, data: bytes) -> dict[str, Any]:
    """{genuine, reason, certificate (its public record and status today, or None)}.
    Invalid (naming the file) when it is empty, too large or not a PDF."""
    from app.certificates import service

    _refuse_unreadable(data)
    problem = await _signature_problem(data, published(settings).pem)
    if problem is not None:
        return {"genuine": False, "reason": problem, "certificate": None}
    row = (
        await Certificate.select(Certificate.id)
        .where(Certificate.pdf_sha256 == hashlib.sha256(data).hexdigest())
        .first()
    )
    number = str(row["id"]) if row else _number_in(data)
    if number is None:
        return {
            "genuine": False,
            "reason": "The PDF is signed by Charter but names no certificate Charter issued",
            "certificate": None,
        }
    certificate = await service.show(number)
    return {
        "genuine": True,
        "reason": "This is a genuine Charter certificate, unchanged since it was signed",
        "certificate": certificate,
    }
