"""Anyone can ask whether a PDF is a genuine, unaltered Charter certificate (the verify page's
upload form and POST /api/v1/certificates/verify), and compare the signing certificate's
fingerprint the verify pages publish."""

from __future__ import annotations

import hashlib

from bs4 import BeautifulSoup
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from httpx import AsyncClient

from app.certificates import service, signing
from app.reports import pdf
from app.settings import Settings
from tests.certificates.support import issued_certificate
from tests.factories import csrf_token


async def _genuine(settings: Settings) -> tuple[dict, bytes]:  # type: ignore[type-arg]
    _, _, certificate = await issued_certificate()
    return certificate, await service.seal(settings, certificate["id"])


async def _api_check(client: AsyncClient, data: bytes) -> dict:  # type: ignore[type-arg]
    answer = await client.post(
        "/api/v1/certificates/verify", content=data, headers={"content-type": "application/pdf"}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_genuine_certificate_is_genuine_with_which_and_its_status(
    client: AsyncClient, settings: Settings
) -> None:
    certificate, data = await _genuine(settings)
    result = await _api_check(client, data)
    assert result["genuine"] is True
    assert result["certificate"]["id"] == certificate["id"]
    assert result["certificate"]["status"] == "valid"

    multipart = await client.post(
        "/api/v1/certificates/verify", files={"file": ("c.pdf", data, "application/pdf")}
    )
    assert multipart.status_code == 200 and multipart.json()["genuine"] is True


async def test_one_byte_altered_is_not_genuine(client: AsyncClient, settings: Settings) -> None:
    _, data = await _genuine(settings)
    at = data.index(b"stream\n") + len(b"stream\n") + 8
    changed = bytearray(data)
    changed[at] ^= 0x01
    result = await _api_check(client, bytes(changed))
    assert result["genuine"] is False and result["certificate"] is None
    appended = await _api_check(client, data + b"\n% added later\n")
    assert appended["genuine"] is False


async def test_the_same_certificate_signed_with_another_key_is_not_genuine(
    client: AsyncClient, settings: Settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    certificate, _ = await _genuine(settings)
    row = await service._load(service.parse_id(certificate["id"]))
    html = service.certificate_html(row, service.verify_url(row["base_url"], certificate["id"]))
    key, cert = signing.generated_credentials(tmp_path / "forger")
    forger = signing.Credentials(key, cert)
    forged = await pdf.run(signing.render_and_sign, html, service.ASSETS, forger)
    result = await _api_check(client, forged)
    assert result["genuine"] is False
    assert "not with Charter's signing certificate" in result["reason"]


async def test_a_file_that_is_not_a_pdf_gets_a_clear_message(client: AsyncClient) -> None:
    answer = await client.post(
        "/api/v1/certificates/verify",
        files={"file": ("c.pdf", b"GIF89a not a pdf", "application/pdf")},
    )
    assert answer.status_code == 422
    assert "not a PDF" in answer.json()["problems"]["file"]


async def test_the_verify_page_checks_an_uploaded_pdf_and_publishes_the_fingerprint(
    client: AsyncClient, settings: Settings
) -> None:
    certificate, data = await _genuine(settings)
    token = await csrf_token(client, "/verify")
    page = await client.post(
        "/verify/check",
        data={"_csrf_token": token},
        files={"file": ("certificate.pdf", data, "application/pdf")},
    )
    assert page.status_code == 200, page.text
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.find("h1").get_text(strip=True) == "This is a genuine Charter certificate"
    assert certificate["id"] in soup.get_text()

    refused = await client.post(
        "/verify/check",
        data={"_csrf_token": token},
        files={"file": ("notes.txt", b"hello", "text/plain")},
    )
    assert refused.status_code == 400
    assert "not a PDF" in BeautifulSoup(refused.text, "html.parser").select_one("#file-error").text

    pem = (await client.get("/verify/signing-certificate.pem")).content
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    expected = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
    for path in ("/verify", f"/verify/{certificate['id']}"):
        shown = BeautifulSoup((await client.get(path)).text, "html.parser").get_text()
        assert expected in shown, path
    # The public is not shown the standard's content hash any more.
    verify_page = (await client.get(f"/verify/{certificate['id']}")).text
    assert certificate["content_sha256"][:12] not in verify_page
