"""The /verify page where anyone types a certificate number: a mistyped number shows the form
again with a GOV.UK error naming what was wrong, never a bare 404 page."""

from __future__ import annotations

import uuid

from bs4 import BeautifulSoup
from httpx import AsyncClient

from tests.certificates.support import issued_certificate


def _error(page: str) -> str:
    soup = BeautifulSoup(page, "html.parser")
    summary = soup.select_one(".govuk-error-summary")
    inline = soup.select_one("#id-error")
    assert summary is not None and inline is not None, page[:2000]
    assert soup.find("input", attrs={"name": "id"}) is not None
    return " ".join(inline.get_text().split())


async def test_lookup_form_is_public(client: AsyncClient) -> None:
    page = await client.get("/verify")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.find("h1").get_text(strip=True) == "Check a certificate"
    label = soup.find("label", attrs={"for": "id"})
    assert label is not None and "Certificate number" in label.get_text()
    assert soup.find("form")["method"] == "get"


async def test_a_known_number_goes_to_its_page(client: AsyncClient) -> None:
    _, _, certificate = await issued_certificate()
    answer = await client.get("/verify", params={"id": f" {certificate['id']} "})
    assert answer.status_code in (302, 303)
    assert answer.headers["location"] == f"/verify/{certificate['id']}"


async def test_a_mistyped_number_shows_the_form_with_an_error(client: AsyncClient) -> None:
    answer = await client.get("/verify", params={"id": "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bez"})
    assert answer.status_code == 400
    message = _error(answer.text)
    assert (
        "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bez" in message and "not a certificate number" in message
    )
    empty = await client.get("/verify", params={"id": "  "})
    assert empty.status_code == 400 and "Enter the certificate number" in _error(empty.text)


async def test_an_unknown_number_or_a_mistyped_link_shows_the_form_with_an_error(
    client: AsyncClient,
) -> None:
    unknown = str(uuid.uuid4())
    missing = await client.get(f"/verify/{unknown}")
    assert missing.status_code == 404
    assert f"No certificate has the number {unknown}" in _error(missing.text)
    mistyped = await client.get("/verify/not-a-certificate")
    assert mistyped.status_code == 404
    assert "not a certificate number" in _error(mistyped.text)
