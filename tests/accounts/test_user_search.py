"""Finding a person on /admin/users and with GET /api/v1/users?q=: every word in their name or
email address, any case (not their organisation's name); the search is kept across pages; too
long is refused naming `q`; only admins search."""

from __future__ import annotations

from httpx import AsyncClient

from tests.accounts.support import page
from tests.factories import bearer, make_organisation, make_user, web_sign_in


async def test_an_admin_finds_people_by_name_or_email_on_the_page_and_in_the_api(
    client: AsyncClient,
) -> None:
    admin = await make_user("admin", name="Zed Admin", email="zed@standards.example")
    office = await make_organisation(name="Office for Ada Matters")
    await make_user("dept_lead", office, name="Ada Lovelace", email="ada@dvsa.example")
    await make_user("assessor", name="Grace Hopper", email="grace.ada@navy.example")
    await make_user("dept_contributor", office, name="Émile Zola", email="emile@office.example")
    await make_user("dept_contributor", office, name="Charles Babbage", email="cb@office.example")
    headers = await bearer(admin)

    async def found(q: str) -> list[str]:
        answer = await client.get("/api/v1/users", params={"q": q}, headers=headers)
        assert answer.status_code == 200, answer.text
        return [u["name"] for u in answer.json()]

    # A name, or an email address; never the organisation's name ("Office for Ada Matters").
    assert await found("ADA") == ["Ada Lovelace", "Grace Hopper"]
    assert await found("ada lovelace") == ["Ada Lovelace"]
    assert await found("office.example") == ["Charles Babbage", "Émile Zola"]
    assert await found("matters") == []
    assert await found("émile") == ["Émile Zola"] and await found("ÉMILE") == ["Émile Zola"]
    assert await found("_") == [] and await found("%") == []
    long = await client.get("/api/v1/users", params={"q": "q" * 201}, headers=headers)
    assert long.status_code == 422 and long.json()["problems"] == {
        "q": "Search for 200 characters or fewer"
    }
    lead = await bearer(await make_user("lead_assessor"))
    assert (await client.get("/api/v1/users", params={"q": "ada"}, headers=lead)).status_code == 403

    await web_sign_in(client, admin)
    answer = await client.get("/admin/users", params={"q": "  Ada "})
    soup = page(answer)
    assert answer.status_code == 200
    assert soup.title.get_text().startswith("Users: search results")
    said = " ".join(soup.select_one("#search-results").get_text().split())
    assert said == "2 people match “ada”. Show everyone"
    assert [a.get_text() for a in soup.select("tbody a")] == ["Ada Lovelace", "Grace Hopper"]
    assert soup.select_one("input#q")["value"] == "ada"

    none = page(await client.get("/admin/users", params={"q": "nobody"}))
    assert "0 people match “nobody”." in none.get_text(" ")
    assert "There are no users on this page" not in none.get_text()

    refused = await client.get("/admin/users", params={"q": "z" * 201})
    assert refused.status_code == 400
    assert page(refused).title.get_text() == "Error: Users \u2013 Charter"
    link = page(refused).select_one(".govuk-error-summary__list a")
    assert (link["href"], link.get_text(strip=True)) == ("#q", "Search for 200 characters or fewer")
    assert len(page(refused).select("tbody tr")) == 6  # everyone, as without a search


async def test_the_search_is_kept_from_page_to_page(client: AsyncClient) -> None:
    admin = await make_user("admin", name="Zed Admin")
    for n in range(55):
        await make_user("assessor", name=f"Assessor {n:02d}", email=f"assessor{n}@example.gov.uk")
    await make_user("assessor", name="Someone Else", email="else@example.gov.uk")
    await web_sign_in(client, admin)
    first = page(await client.get("/admin/users", params={"q": "assessor"}))
    assert len(first.select("tbody tr")) == 50
    next_href = first.select_one(".govuk-pagination__next a")["href"]
    assert next_href == "/admin/users?q=assessor&page=2"
    second = page(await client.get(next_href))
    assert [a.get_text() for a in second.select("tbody a")] == [
        f"Assessor {n:02d}" for n in range(50, 55)
    ]


async def test_an_admin_lists_one_organisations_people_from_its_page(client: AsyncClient) -> None:
    admin = await make_user("admin")
    dvsa = await make_organisation(slug="dvsa", name="Driver and Vehicle Standards Agency")
    other = await make_organisation(slug="dvla", name="Driver and Vehicle Licensing Agency")
    await make_user("dept_lead", dvsa, name="Ada Lovelace")
    await make_user("dept_contributor", dvsa, name="Charles Babbage")
    await make_user("assessor", dvsa, name="Grace Hopper")  # an assessor it employs
    await make_user("dept_lead", other, name="Ada Byron")
    await make_user("assessor", name="Alan Turing")
    headers = await bearer(admin)

    async def names(**params: str) -> list[str]:
        answer = await client.get("/api/v1/users", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return [u["name"] for u in answer.json()]

    assert await names(organisation="dvsa") == ["Ada Lovelace", "Charles Babbage", "Grace Hopper"]
    assert await names(organisation="dvsa", q="ada") == ["Ada Lovelace"]
    missing = await client.get("/api/v1/users", params={"organisation": "nowhere"}, headers=headers)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No organisation has slug 'nowhere'"

    await web_sign_in(client, admin)
    org_page = await client.get("/admin/organisations/dvsa")
    link = page(org_page).find("a", href="/admin/users?organisation=dvsa")
    assert link is not None
    assert link.get_text(" ", strip=True) == (
        "3 people with an account at Driver and Vehicle Standards Agency"
    )
    people = await client.get(link["href"])
    soup = page(people)
    assert soup.find("h1").get_text(strip=True) == "People in Driver and Vehicle Standards Agency"
    assert [a.get_text(strip=True) for a in soup.select("tbody a")] == [
        "Ada Lovelace",
        "Charles Babbage",
        "Grace Hopper",
    ]
    # The search box keeps to the organisation.
    assert soup.find("input", attrs={"type": "hidden", "name": "organisation"})["value"] == "dvsa"
    searched = await client.get("/admin/users", params={"organisation": "dvsa", "q": "grace"})
    assert [a.get_text(strip=True) for a in page(searched).select("tbody a")] == ["Grace Hopper"]
    assert "1 person matches “grace” in Driver and Vehicle Standards Agency." in (
        page(searched).get_text(" ", strip=True)
    )
    empty = await make_organisation(slug="new-body", name="New Body")
    nobody = await client.get("/admin/users", params={"organisation": empty["slug"]})
    assert "Nobody at New Body has an account yet." in nobody.text
    assert (await client.get("/admin/users", params={"organisation": "nowhere"})).status_code == 404
