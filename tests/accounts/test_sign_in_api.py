"""Signing in over the API: session cookie, bearer tokens, CSRF on cookie requests."""

from httpx import AsyncClient

from tests.factories import PASSWORD, bearer, make_organisation, make_user


async def test_login_sets_session_and_returns_user(client: AsyncClient) -> None:
    org = await make_organisation()
    user = await make_user("dept_lead", org)
    response = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["user"]["email"] == user["email"]
    assert "charter_session" in response.cookies
    listing = await client.get("/api/v1/organisations")
    assert listing.status_code == 200


async def test_login_with_wrong_password_is_401_without_saying_which(client: AsyncClient) -> None:
    user = await make_user("admin")
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": "x" * 20}
    )
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.gov.uk", "password": "x" * 20}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "Email or password is incorrect"


async def test_signed_out_api_answers_401(client: AsyncClient) -> None:
    assert (await client.get("/api/v1/organisations")).status_code == 401


async def test_session_id_changes_at_sign_in(client: AsyncClient) -> None:
    user = await make_user("admin")
    client.cookies.set("charter_session", "attacker-chosen-session-id-0000000000000000")
    response = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
    )
    assert response.status_code == 200
    new_id = response.cookies["charter_session"]
    assert new_id != "attacker-chosen-session-id-0000000000000000"


async def test_cookie_request_without_csrf_token_is_refused(client: AsyncClient) -> None:
    user = await make_user("admin")
    await client.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD})
    response = await client.post("/api/v1/organisations", json={"slug": "dwp", "name": "DWP"})
    assert response.status_code == 403


async def test_bearer_request_needs_no_csrf_token(client: AsyncClient) -> None:
    admin = await make_user("admin")
    response = await client.post(
        "/api/v1/organisations",
        json={"slug": "dwp", "name": "Department for Work and Pensions"},
        headers=await bearer(admin),
    )
    assert response.status_code == 201, response.text
    assert response.json()["slug"] == "dwp"


async def test_non_admin_cannot_create_organisation(client: AsyncClient) -> None:
    org = await make_organisation()
    lead = await make_user("dept_lead", org)
    response = await client.post(
        "/api/v1/organisations", json={"slug": "dwp", "name": "DWP"}, headers=await bearer(lead)
    )
    assert response.status_code == 403
