"""CSRF: every state-changing form and cookie API call needs the double-submit token and must come
from this site; bearer-token calls are exempt."""

from __future__ import annotations

from httpx import AsyncClient

from app.accounts.tables import ApiToken
from app.organisations.tables import Organisation
from tests.accounts.support import page
from tests.factories import bearer, csrf_token, make_user, web_sign_in

ORG = {"slug": "dwp", "name": "Department for Work and Pensions", "kind": "department"}


async def signed_in_admin(client: AsyncClient) -> dict:
    admin = await make_user("admin")
    await web_sign_in(client, admin)
    return admin


async def test_form_without_the_token_is_refused_and_changes_nothing(client: AsyncClient) -> None:
    await signed_in_admin(client)
    response = await client.post("/admin/organisations", data=ORG)
    assert response.status_code == 403
    assert "Your form was not sent" in page(response).get_text()
    assert await Organisation.count() == 0


async def test_form_with_a_forged_token_is_refused(client: AsyncClient) -> None:
    await signed_in_admin(client)
    await csrf_token(client)
    forged = "0" * 64 + "1" * 64
    response = await client.post("/admin/organisations", data={**ORG, "_csrf_token": forged})
    assert response.status_code == 403
    assert await Organisation.count() == 0


async def test_form_with_the_token_is_accepted(client: AsyncClient) -> None:
    await signed_in_admin(client)
    token = await csrf_token(client)
    response = await client.post("/admin/organisations", data={**ORG, "_csrf_token": token})
    assert response.status_code == 303
    assert await Organisation.count() == 1


async def test_cookie_api_call_needs_the_token_header(client: AsyncClient) -> None:
    await signed_in_admin(client)
    refused = await client.post("/api/v1/auth/tokens", json={"name": "script"})
    assert refused.status_code == 403
    token = await csrf_token(client)
    accepted = await client.post(
        "/api/v1/auth/tokens", json={"name": "script"}, headers={"x-csrf-token": token}
    )
    assert accepted.status_code == 201
    assert await ApiToken.count() == 1


async def test_request_from_another_site_is_refused_even_with_the_token(
    client: AsyncClient,
) -> None:
    await signed_in_admin(client)
    token = await csrf_token(client)
    headers = {"x-csrf-token": token}
    other_origin = await client.post(
        "/api/v1/organisations", json=ORG, headers={**headers, "Origin": "https://evil.example"}
    )
    assert other_origin.status_code == 403
    assert "evil.example" in other_origin.json()["detail"]
    cross_site = await client.post(
        "/api/v1/organisations", json=ORG, headers={**headers, "Sec-Fetch-Site": "cross-site"}
    )
    assert cross_site.status_code == 403
    same_origin = await client.post(
        "/api/v1/organisations",
        json=ORG,
        headers={**headers, "Origin": "http://testserver.local", "Sec-Fetch-Site": "same-origin"},
    )
    assert same_origin.status_code == 201


async def test_sign_in_from_another_site_is_refused(client: AsyncClient) -> None:
    user = await make_user("admin")
    response = await client.post(
        "/api/v1/auth/login",
        json={"email": user["email"], "password": "whatever it is here"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    form = await client.post(
        "/sign-in", data={"email": user["email"], "password": "whatever it is here"}
    )
    assert form.status_code == 403  # no token


async def test_bearer_calls_need_no_token(client: AsyncClient) -> None:
    admin = await make_user("admin")
    response = await client.post("/api/v1/organisations", json=ORG, headers=await bearer(admin))
    assert response.status_code == 201


async def test_every_form_on_the_pages_carries_the_token(client: AsyncClient) -> None:
    admin = await signed_in_admin(client)
    other = await make_user("publisher")
    for path in (
        "/account/tokens",
        "/account/password",
        "/admin/users/new",
        f"/admin/users/{other['id']}",
        f"/admin/users/{admin['id']}",
        "/admin/organisations/new",
    ):
        response = await client.get(path)
        assert response.status_code == 200, path
        for form in page(response).find_all("form", method="post"):
            field = form.find("input", attrs={"name": "_csrf_token"})
            assert field is not None and field["value"], f"{path}: {form.get('action')}"
