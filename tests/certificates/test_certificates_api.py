"""Certificates over the API: public details, a signed PDF kept as issued, lead-only revocation."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from urllib.parse import urlsplit

import pytest
import zxingcpp
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from app.accounts.actor import SystemActor
from app.audit.tables import AuditRecord
from app.certificates import service
from app.certificates.tables import Certificate
from app.certificates.terms import add_months
from app.errors import Conflict
from app.settings import Settings
from app.templating import govuk_date
from tests.certificates.support import SMALL_FRAMEWORK, issued_certificate, pdf_text
from tests.factories import (
    bearer,
    csrf_token,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
)


async def _signature_status(data: bytes, settings: Settings):  # type: ignore[no-untyped-def]
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    root = load_cert_from_pemder(str(settings.var_dir / "signing" / "cert.pem"))
    return await async_validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))


def _tampered(data: bytes) -> bytes:
    """One bit flipped inside the first content stream: inside the signed byte range."""
    at = data.index(b"stream\n") + len(b"stream\n") + 8
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


async def test_certificate_pdf_is_signed_says_what_it_certifies_and_never_changes(
    client, settings
) -> None:
    _org, concluded, certificate = await issued_certificate()
    first = await client.get(f"/api/v1/certificates/{certificate['id']}.pdf")
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/pdf"
    again = await client.get(f"/api/v1/certificates/{certificate['id']}.pdf")
    assert again.content == first.content  # kept, not rendered again (a new signature would differ)

    text = pdf_text(first.content)
    issued = dt.date.fromisoformat(certificate["issued_on"])
    for expected in (
        "Ministry of Examples",
        concluded["award_label"],
        "Small Service Standard",
        "version 2027.2",
        certificate["content_sha256"][:12],
        f"Issued on {govuk_date(issued)}",
        f"Expires on {govuk_date(add_months(issued, 24))}",
        certificate["id"],
        f"{settings.base_url}/verify/{certificate['id']}",
    ):
        assert expected in text, expected

    status = await _signature_status(first.content, settings)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    tampered = await _signature_status(_tampered(first.content), settings)
    assert not tampered.intact and not tampered.bottom_line


async def test_the_qr_code_on_the_certificate_opens_its_verify_page(client, settings) -> None:
    """Scanned from the PDF as a phone would read it: the code is the verify address, and that
    address answers with the certificate's page."""
    _org, _concluded, certificate = await issued_certificate()
    pdf = await client.get(f"/api/v1/certificates/{certificate['id']}.pdf")
    (image,) = PdfReader(io.BytesIO(pdf.content)).pages[0].images
    (code,) = zxingcpp.read_barcodes(image.image)
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    assert code.text == f"{settings.base_url}/verify/{certificate['id']}"
    page = await client.get(urlsplit(code.text).path)
    assert page.status_code == 200
    assert "Ministry of Examples" in page.text


async def test_anyone_signed_out_reads_a_certificate(client) -> None:
    org, concluded, certificate = await issued_certificate()
    response = await client.get(f"/api/v1/certificates/{certificate['id']}")
    assert response.status_code == 200
    body = response.json()
    today = dt.date.fromisoformat(body["issued_on"])
    assert {
        k: body[k] for k in ("id", "organisation", "framework", "version", "award", "status")
    } == {
        "id": certificate["id"],
        "organisation": org["slug"],
        "framework": "small-service-standard",
        "version": "2027.2",
        "award": concluded["award_code"],
        "status": "valid",
    }
    assert body["expires_on"] == add_months(today, 24).isoformat()
    assert "moderated_percent" not in body and "revoked_by" not in body


async def test_issue_dates_come_from_the_framework_terms_and_issuing_twice_returns_the_same(
    client,
) -> None:
    _org, concluded, certificate = await issued_certificate()
    issued = dt.date.fromisoformat(certificate["issued_on"])
    assert certificate["expires_on"] == add_months(issued, 24).isoformat()  # the framework's terms
    assert certificate["review_due_on"] == add_months(issued, 6).isoformat()
    assert (await service.issue(SystemActor("tests"), concluded["id"]))["id"] == certificate["id"]
    assert await Certificate.count() == 1
    assert await AuditRecord.count().where(AuditRecord.action == "certificate.issue") == 1


async def test_no_certificate_for_an_assessment_without_an_award() -> None:
    org = await make_organisation()
    framework = await make_framework_version(text=SMALL_FRAMEWORK)
    concluded = await make_assessment(
        org, state="concluded", framework_version=framework, default_score=0
    )
    with pytest.raises(Conflict, match="no award"):
        await service.issue(SystemActor("tests"), concluded["id"])


async def test_lead_assessor_revokes_with_a_reason_and_the_pdf_is_withdrawn(client) -> None:
    _org, _concluded, certificate = await issued_certificate()
    lead = await make_user("lead_assessor")
    response = await client.post(
        f"/api/v1/certificates/{certificate['id']}/revoke",
        json={"reason": "Evidence was found to be falsified"},
        headers=await bearer(lead),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "revoked"
    shown = (await client.get(f"/api/v1/certificates/{certificate['id']}")).json()
    assert (
        shown["status"] == "revoked"
        and shown["revoked_reason"] == "Evidence was found to be falsified"
    )
    audit = await AuditRecord.select().where(AuditRecord.action == "certificate.revoke").first()
    assert audit["actor_label"] == lead["email"] and audit["object_id"] == certificate["id"]
    pdf = await client.get(f"/api/v1/certificates/{certificate['id']}.pdf")
    assert pdf.status_code == 409 and "revoked" in pdf.json()["detail"]
    twice = await client.post(
        f"/api/v1/certificates/{certificate['id']}/revoke",
        json={"reason": "again"},
        headers=await bearer(lead),
    )
    assert twice.status_code == 409 and "already revoked" in twice.json()["detail"]


@pytest.mark.parametrize("role", ["dept_lead", "assessor", "admin", "publisher"])
async def test_only_a_lead_assessor_may_revoke(client, role) -> None:
    org, _concluded, certificate = await issued_certificate()
    user = await make_user(role, org if role == "dept_lead" else None)
    response = await client.post(
        f"/api/v1/certificates/{certificate['id']}/revoke",
        json={"reason": "no"},
        headers=await bearer(user),
    )
    assert response.status_code == 403
    assert (await client.get(f"/api/v1/certificates/{certificate['id']}")).json()[
        "status"
    ] == "valid"


async def test_revoking_signed_out_answers_401(client) -> None:
    _org, _concluded, certificate = await issued_certificate()
    url = f"/api/v1/certificates/{certificate['id']}/revoke"
    token = await csrf_token(client)  # what a signed-out browser holds; without it CSRF answers 403
    assert (
        await client.post(url, json={"reason": "no"}, headers={"x-csrf-token": token})
    ).status_code == 401
    unknown_token = {"Authorization": "Bearer not-a-real-token"}
    assert (await client.post(url, json={"reason": "no"}, headers=unknown_token)).status_code == 401


async def test_revoking_needs_a_reason(client) -> None:
    _org, _concluded, certificate = await issued_certificate()
    lead = await make_user("lead_assessor")
    response = await client.post(
        f"/api/v1/certificates/{certificate['id']}/revoke",
        json={"reason": "   "},
        headers=await bearer(lead),
    )
    assert response.status_code == 422
    assert response.json()["problems"] == {
        "reason": "Enter the reason for revoking the certificate"
    }


@pytest.mark.parametrize("ref", [str(uuid.uuid4()), "not-a-certificate", f"{uuid.uuid4()}.pdf"])
async def test_unknown_certificate_is_not_found(client, ref) -> None:
    assert (await client.get(f"/api/v1/certificates/{ref}")).status_code == 404
