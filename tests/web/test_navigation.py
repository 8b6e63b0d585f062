"""The service navigation: the same for a person on every page, error pages included, and each
role's places reachable from it."""

from __future__ import annotations

import httpx
from bs4 import BeautifulSoup

from tests.factories import make_organisation, make_user, web_sign_in


def nav(response: httpx.Response) -> list[str]:
    soup = BeautifulSoup(response.text, "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".govuk-service-navigation__link")]


async def test_the_admin_is_offered_every_place_they_may_open(client: httpx.AsyncClient) -> None:
    admin = await make_user("admin", name="Priya Raman")
    await web_sign_in(client, admin)
    links = nav(await client.get("/admin/users"))
    for place in ("Assessments", "Queue", "League tables", "Evidence", "Frameworks", "Audit"):
        assert place in links
    for href in ("/assessments", "/moderation/queue", "/league-tables", "/evidence"):
        assert (await client.get(href, follow_redirects=True)).status_code == 200, href


async def test_the_evidence_pages_keep_the_navigation_of_every_other_page(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    await web_sign_in(client, await make_user("dept_lead", org))
    everywhere = nav(await client.get("/assessments"))
    assert "Frameworks" in everywhere and "API tokens" in everywhere
    assert nav(await client.get("/evidence")) == everywhere
    assert nav(await client.get("/evidence/upload")) == everywhere


async def test_a_missing_page_shows_who_is_signed_in(client: httpx.AsyncClient) -> None:
    org = await make_organisation()
    lead = await make_user("dept_lead", org, name="Dana Lead")
    await web_sign_in(client, lead)
    everywhere = nav(await client.get("/assessments"))
    for missing in ("/no-such-page", "/evidence/not-an-id"):
        response = await client.get(missing)
        assert response.status_code == 404
        assert nav(response) == everywhere
        soup = BeautifulSoup(response.text, "html.parser")
        assert soup.select_one(".charter-account__name").get_text(strip=True) == "Dana Lead"
        token = soup.select_one(".charter-sign-out input[name=_csrf_token]")
        assert token is not None and token["value"] == client.cookies["charter_csrf"]


async def test_a_missing_page_signed_out_shows_the_public_navigation(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    assert nav(response) == ["League tables", "Check a certificate"]


async def test_an_admin_asking_for_the_evidence_library_chooses_an_organisation(
    client: httpx.AsyncClient,
) -> None:
    await make_organisation(slug="fair-queues", name="Office for Fair Queues")
    await make_organisation(slug="open-roads", name="Open Roads Agency")
    await web_sign_in(client, await make_user("admin"))
    response = await client.get("/evidence")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.h1.get_text(strip=True) == "Evidence libraries"
    links = {a.get_text(strip=True): a["href"] for a in soup.select("#organisations a")}
    assert links["Office for Fair Queues"] == "/evidence?organisation=fair-queues"
    found = BeautifulSoup((await client.get("/evidence?q=roads")).text, "html.parser")
    assert [a.get_text(strip=True) for a in found.select("#organisations a")] == [
        "Open Roads Agency"
    ]
    library = await client.get(links["Office for Fair Queues"])
    assert library.status_code == 200 and "Office for Fair Queues" in library.text
