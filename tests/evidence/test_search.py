"""Searching an evidence library, in the API and on the library page: every word in the title,
file name or description, in any case; "%" and "_" are only themselves; another organisation's
items are never found; a search too long is refused, naming `q`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.assessments.support import many_evidence
from tests.evidence import samples
from tests.factories import bearer, make_organisation, make_user, web_sign_in

LIBRARY = [
    # title, filename, description
    ("Board minutes, March", "minutes-march.pdf", "The board adopts the customer charter."),
    ("Board paper: complaints", "paper.pdf", "Quarterly review of complaints handling."),
    ("Customer survey 2026", "survey-results.pdf", ""),
    ("Staff training plan", "training_plan.pdf", "Courses for front-line staff, 50% done."),
    ("École des usagers", "ecole.pdf", "Formation"),
]


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], org: str, item: tuple[str, str, str]
) -> None:
    title, filename, description = item
    response = await client.post(
        "/api/v1/evidence",
        headers=headers,
        data={"organisation": org, "title": title, "description": description},
        files={"file": (filename, samples.pdf(title), "application/pdf")},
    )
    assert response.status_code == 201, response.text


@pytest.fixture
async def library(client: httpx.AsyncClient) -> dict[str, Any]:
    org = await make_organisation(name="Office for Searches")
    lead = await make_user("dept_lead", org)
    headers = await bearer(lead)
    for item in LIBRARY:
        await upload(client, headers, org["slug"], item)
    other = await make_organisation(name="Office Next Door")
    other_lead = await make_user("dept_lead", other)
    await upload(
        client, await bearer(other_lead), other["slug"], ("Board minutes, April", "b.pdf", "")
    )
    return {"org": org, "user": lead, "headers": headers}


async def found(client: httpx.AsyncClient, headers: dict[str, str], q: str) -> list[str]:
    response = await client.get("/api/v1/evidence", params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    return sorted(item["title"] for item in response.json()["items"])


async def test_the_api_finds_every_word_in_title_filename_or_description(
    client: httpx.AsyncClient, library: dict[str, Any]
) -> None:
    headers = library["headers"]
    assert await found(client, headers, "board") == [
        "Board minutes, March",
        "Board paper: complaints",
    ]
    # Every word must be there, each in any of the three, in any case and order.
    assert await found(client, headers, "COMPLAINTS board") == ["Board paper: complaints"]
    assert await found(client, headers, "charter march") == ["Board minutes, March"]
    assert await found(client, headers, "survey-results") == ["Customer survey 2026"]
    assert await found(client, headers, "board survey") == []
    # Not Unicode-blind on either database.
    assert await found(client, headers, "école") == ["École des usagers"]
    assert await found(client, headers, "ÉCOLE") == ["École des usagers"]
    # LIKE's wildcards are only themselves.
    assert await found(client, headers, "50%") == ["Staff training plan"]
    assert await found(client, headers, "%") == ["Staff training plan"]
    assert await found(client, headers, "g_p") == ["Staff training plan"]
    assert await found(client, headers, "_") == ["Staff training plan"]
    # An empty search is the whole library; the answer says what was searched for.
    everything = await client.get("/api/v1/evidence", params={"q": "  "}, headers=headers)
    assert everything.json()["total"] == len(LIBRARY) and everything.json()["q"] == ""
    some = await client.get("/api/v1/evidence", params={"q": " Board  board "}, headers=headers)
    assert some.json()["total"] == 2 and some.json()["q"] == "board"


async def test_a_search_too_long_is_refused_naming_q(
    client: httpx.AsyncClient, library: dict[str, Any]
) -> None:
    response = await client.get(
        "/api/v1/evidence", params={"q": "x" * 201}, headers=library["headers"]
    )
    assert response.status_code == 422
    assert response.json()["problems"] == {"q": "Search for 200 characters or fewer"}
    assert await found(client, library["headers"], "x" * 200) == []


async def test_the_library_page_searches_and_pages_through_the_results(
    client: httpx.AsyncClient, library: dict[str, Any]
) -> None:
    org, lead = library["org"], library["user"]
    # 55 more items whose description says "archive": two pages of results (50 a page).
    await many_evidence(org, lead, 55, "Archived letter {n:02d}", "From the archive")
    await web_sign_in(client, lead)
    page = BeautifulSoup((await client.get("/evidence")).text, "html.parser")
    search = page.find("form", attrs={"role": "search"})
    assert search["method"] == "get" and search.find("input", attrs={"name": "q"}) is not None
    assert page.find(id="search-results") is None

    response = await client.get("/evidence", params={"q": "ARCHIVE"})
    page = BeautifulSoup(response.text, "html.parser")
    assert response.status_code == 200
    assert page.title.get_text().startswith("Evidence library: search results (page 1 of 2)")
    assert " ".join(page.find(id="search-results").get_text().split()).startswith(
        "55 items match “archive”."
    )
    assert page.find("input", attrs={"name": "q"})["value"] == "archive"
    titles = [a.get_text() for a in page.select("tbody a.govuk-link[href^='/evidence/']")]
    titles = [t for t in titles if t.startswith("Archived")]
    assert len(titles) == 50
    next_link = page.select_one(".govuk-pagination__next a")["href"]
    assert next_link == f"/evidence?organisation={org['slug']}&q=archive&page=2"
    second = BeautifulSoup((await client.get(next_link)).text, "html.parser")
    rows = second.select("tbody tr")
    assert len(rows) == 5 and all("Archived letter" in r.get_text() for r in rows)

    none = BeautifulSoup(
        (await client.get("/evidence", params={"q": "April"})).text, "html.parser"
    )  # the other organisation's "Board minutes, April" is not found
    assert "0 items match “april”." in " ".join(none.find(id="search-results").get_text().split())
    assert none.select("tbody tr") == []
    assert "No evidence has been uploaded yet" not in none.get_text()


async def test_the_library_page_names_a_search_too_long_and_lists_everything(
    client: httpx.AsyncClient, library: dict[str, Any]
) -> None:
    await web_sign_in(client, library["user"])
    response = await client.get("/evidence", params={"q": "y" * 201})
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert page.title.get_text().startswith("Error: Evidence library")
    link = page.select_one(".govuk-error-summary__list a")
    assert link["href"] == "#q" and link.get_text() == "Search for 200 characters or fewer"
    assert page.find(id="q")["value"] == "y" * 201
    assert len(page.select("tbody tr")) == len(LIBRARY)
