"""Frameworks over HTTP: the API of contract.md, the JSON Schema, and the pages."""

from bs4 import BeautifulSoup
from httpx import AsyncClient

from tests.factories import PASSWORD, bearer, make_framework_version, make_user


async def test_api_lists_and_returns_a_version_as_loaded(client: AsyncClient) -> None:
    row = await make_framework_version()
    headers = await bearer(await make_user("admin"))
    listing = await client.get("/api/v1/frameworks", headers=headers)
    assert listing.status_code == 200
    assert listing.json() == [
        {
            "slug": row["slug"],
            "version": row["version"],
            "title": row["title"],
            "content_sha256": row["content_sha256"],
        }
    ]
    one = await client.get(f"/api/v1/frameworks/{row['slug']}/{row['version']}", headers=headers)
    assert one.status_code == 200
    assert len(one.json()["content"]["themes"]) == 5
    missing = await client.get(f"/api/v1/frameworks/{row['slug']}/1999.1", headers=headers)
    assert missing.status_code == 404


async def test_api_needs_sign_in(client: AsyncClient) -> None:
    assert (await client.get("/api/v1/frameworks")).status_code == 401


async def test_schema_is_published_for_editors(client: AsyncClient) -> None:
    schema = (await client.get("/api/v1/frameworks/schema.json")).json()
    assert "themes" in schema["required"] and schema.get("additionalProperties") is False


async def test_framework_page_shows_themes_elements_and_guidance(client: AsyncClient) -> None:
    row = await make_framework_version()
    user = await make_user("dept_contributor", None)
    await client.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD})
    page = await client.get(f"/frameworks/{row['slug']}/{row['version']}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.h1.get_text(strip=True) == row["title"]
    headings = [h.get_text(" ", strip=True) for h in soup.find_all("h2")]
    assert any("Leadership" in h for h in headings) and any("Measurement" in h for h in headings)
    assert "Guidance:" in soup.get_text()
    index = await client.get("/frameworks")
    assert row["title"] in index.text


async def test_framework_pages_redirect_to_sign_in_when_signed_out(client: AsyncClient) -> None:
    page = await client.get("/frameworks")
    assert page.status_code in (302, 303, 307)
    assert page.headers["location"].startswith("/sign-in")
