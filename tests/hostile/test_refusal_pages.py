"""Refusals say what happened: a form without its token is "Your form was not sent" (it had
expired or came from elsewhere) with a link back to the page it came from, not "Your role does
not allow it"; a 405 has its own page, not "Page not found"; and an Origin on this host but
another port (or scheme) is another site."""

from __future__ import annotations

from httpx import AsyncClient

from app.organisations.tables import Organisation
from tests.accounts.support import page
from tests.factories import csrf_token, make_user, web_sign_in

ORG = {"slug": "dwp", "name": "Department for Work and Pensions", "kind": "department"}


async def test_a_form_without_its_token_says_so_and_links_back(client: AsyncClient) -> None:
    await web_sign_in(client, await make_user("admin"))
    refused = await client.post(
        "/admin/organisations",
        data=ORG,
        headers={"referer": "http://testserver.local/admin/organisations/new"},
    )
    assert refused.status_code == 403
    soup = page(refused)
    assert soup.title is not None and soup.title.get_text().startswith("Your form was not sent")
    assert "had expired, or the form came from another website" in soup.get_text()
    assert "Your role does not allow it" not in soup.get_text()
    back = soup.find("a", string="Go back to the form")
    assert back is not None and back["href"] == "/admin/organisations/new"
    assert await Organisation.count() == 0


async def test_the_link_back_never_leads_to_another_site(client: AsyncClient) -> None:
    await web_sign_in(client, await make_user("admin"))
    refused = await client.post(
        "/admin/organisations", data=ORG, headers={"referer": "https://evil.example/x"}
    )
    back = page(refused).find("a", string="Go back to the form")
    assert back is not None and back["href"] == "/"


async def test_a_method_not_allowed_has_its_own_page(client: AsyncClient) -> None:
    answer = await client.delete("/sign-in")
    assert answer.status_code == 405
    soup = page(answer)
    assert soup.title is not None
    assert soup.title.get_text().startswith("This page cannot be used that way")
    assert "Page not found" not in soup.get_text()


async def test_an_origin_on_another_port_or_scheme_is_refused(client: AsyncClient) -> None:
    await web_sign_in(client, await make_user("admin"))
    token = await csrf_token(client)
    for origin in ("http://testserver.local:8081", "ftp://testserver.local"):
        refused = await client.post(
            "/api/v1/organisations",
            json=ORG,
            headers={"x-csrf-token": token, "Origin": origin},
        )
        assert refused.status_code == 403, origin
    accepted = await client.post(
        "/api/v1/organisations",
        json=ORG,
        headers={"x-csrf-token": token, "Origin": "http://testserver.local"},
    )
    assert accepted.status_code == 201
