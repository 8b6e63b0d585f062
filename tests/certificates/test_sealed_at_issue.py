"""A certificate is rendered and signed when it is issued: the base address in force then is in its
links, its signing time is its issue time, and every download answers the same bytes. In production
(an https:// base address) no certificate is issued without a configured key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader

from app.assessments.tables import Assessment
from app.certificates import signing
from app.certificates.tables import Certificate
from app.main import create_app
from app.settings import Settings
from tests.certificates.support import SMALL_FRAMEWORK, pdf_text
from tests.factories import (
    bearer,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
)

AT_ISSUE = "http://charter.example:8101"


def client_for(settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver.local"
    )


async def moderated_case() -> tuple[dict[str, Any], dict[str, str]]:
    org = await make_organisation(name="Ministry of Seals")
    framework = await make_framework_version(text=SMALL_FRAMEWORK)
    lead = await make_user("lead_assessor")
    moderated = await make_assessment(org, state="moderated", framework_version=framework)
    return moderated, await bearer(lead)


async def confirm(client: httpx.AsyncClient) -> httpx.Response:
    moderated, headers = await moderated_case()
    return await client.post(
        f"/api/v1/assessments/{moderated['id']}/decide",
        json={"outcome": "confirm", "note": ""},
        headers=headers,
    )


def signing_time(data: bytes) -> dt.datetime:
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    stamp = signature.self_reported_timestamp
    assert stamp is not None
    return stamp


async def test_certificate_is_signed_at_issue_with_the_address_and_time_of_issue(
    settings: Settings,
) -> None:
    async with client_for(dataclasses.replace(settings, base_url=AT_ISSUE)) as client:
        decided = await confirm(client)
    assert decided.status_code == 200, decided.text
    number = decided.json()["certificate"]["id"]
    row = await Certificate.select().where(Certificate.id == number).first()
    assert row is not None and row["pdf"], "sealed when issued, before anyone downloads it"
    assert f"{AT_ISSUE}/verify/{number}" in pdf_text(bytes(row["pdf"]))
    assert abs(signing_time(bytes(row["pdf"])) - row["issued_at"]) < dt.timedelta(seconds=1)

    # Served later by a server with another address: the certificate keeps the one at issue.
    moved = dataclasses.replace(settings, base_url="http://elsewhere.example")
    async with client_for(moved) as client:
        first = await client.get(f"/api/v1/certificates/{number}.pdf")
        second = await client.get(f"/api/v1/certificates/{number}.pdf")
    assert first.status_code == 200
    assert first.content == second.content == bytes(row["pdf"])
    assert "elsewhere.example" not in pdf_text(first.content)


async def test_a_back_dated_certificate_is_signed_at_its_issue_time(settings: Settings) -> None:
    async with client_for(settings) as client:
        decided = await confirm(client)
    number = decided.json()["certificate"]["id"]
    issued_at = dt.datetime(2025, 3, 14, 10, 30, tzinfo=dt.UTC)
    await Certificate.update(
        {Certificate.issued_at: issued_at, Certificate.pdf: None, Certificate.pdf_sha256: None}
    ).where(Certificate.id == number)
    async with client_for(settings) as client:
        data = (await client.get(f"/api/v1/certificates/{number}.pdf")).content
    assert signing_time(data) == issued_at


async def test_production_without_a_signing_key_refuses_to_issue(settings: Settings) -> None:
    production = dataclasses.replace(settings, base_url="https://charter.example.gov.uk")
    async with client_for(production) as client:
        refused = await confirm(client)
    assert refused.status_code == 409
    assert "CHARTER_SIGNING_KEY" in refused.json()["detail"]
    assert await Certificate.count() == 0
    assert await Assessment.count().where(Assessment.status == "concluded") == 0


def _pkcs12(directory: Path, password: str) -> Path:
    key_pem, cert_pem = signing._self_signed()
    key = serialization.load_pem_private_key(key_pem, None)
    cert = x509.load_pem_x509_certificate(cert_pem)
    data = pkcs12.serialize_key_and_certificates(
        b"charter",
        key,  # type: ignore[arg-type]
        cert,
        None,
        serialization.BestAvailableEncryption(password.encode()),
    )
    path = directory / "signing.p12"
    path.write_bytes(data)
    return path


async def test_production_signs_with_a_configured_pkcs12_key(
    settings: Settings, tmp_path: Path
) -> None:
    p12 = _pkcs12(tmp_path, "correct horse")
    production = dataclasses.replace(
        settings,
        base_url="https://charter.example.gov.uk",
        signing_key=p12,
        signing_key_password="correct horse",
    )
    async with client_for(production) as client:
        decided = await confirm(client)
    assert decided.status_code == 200, decided.text
    row = await Certificate.select().first()
    assert row is not None and row["pdf"]
    signature = PdfFileReader(io.BytesIO(bytes(row["pdf"]))).embedded_signatures[0]
    published = signing.certificate_pem(signing.credentials(production))
    assert signature.signer_cert.dump() == x509.load_pem_x509_certificate(published).public_bytes(
        serialization.Encoding.DER
    )
