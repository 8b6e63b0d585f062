"""The /verify page where anyone types a certificate id."""

from bs4 import BeautifulSoup
from httpx import AsyncClient


async def test_lookup_form_is_public_and_accessible(client: AsyncClient) -> None:
    page = await client.get("/verify")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    label = soup.find("label", attrs={"for": "id"})
    assert label is not None and "Check a certificate" in label.get_text()
    assert soup.find("form")["method"] == "get"


async def test_lookup_sends_to_the_certificates_page_and_unknown_ids_are_404(
    client: AsyncClient,
) -> None:
    answer = await client.get("/verify", params={"id": " not-a-certificate "})
    assert answer.status_code in (302, 303)
    assert answer.headers["location"] == "/verify/not-a-certificate"
    missing = await client.get(answer.headers["location"])
    assert missing.status_code == 404
