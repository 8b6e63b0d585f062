"""API tokens: created and shown once, stored hashed, listed and revoked by their owner or an
admin."""

from __future__ import annotations

from httpx import AsyncClient

from app.accounts.tables import ApiToken
from app.accounts.tokens import token_hash
from app.audit.tables import AuditRecord
from tests.accounts.support import error_summary, heading, page, post_form
from tests.factories import bearer, make_organisation, make_user, token_for, web_sign_in


async def test_created_token_is_shown_once_and_stored_only_as_a_hash(client: AsyncClient) -> None:
    user = await make_user("publisher")
    response = await client.post(
        "/api/v1/auth/tokens", json={"name": "exports"}, headers=await bearer(user)
    )
    assert response.status_code == 201
    body = response.json()
    token = body["token"]
    assert (
        token.startswith("chr_") and body["name"] == "exports" and token.startswith(body["prefix"])
    )
    stored = await ApiToken.select().where(ApiToken.id == body["id"]).first()
    assert stored["token_hash"] == token_hash(token)
    assert token not in str(stored)
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["user"]["email"] == user["email"]
    listing = await client.get("/api/v1/auth/tokens", headers={"Authorization": f"Bearer {token}"})
    assert token not in listing.text


async def test_list_shows_only_your_own_tokens(client: AsyncClient) -> None:
    user, other = await make_user("publisher"), await make_user("publisher")
    await token_for(other, "not mine")
    headers = await bearer(user)  # a token named "tests"
    await client.post("/api/v1/auth/tokens", json={"name": "second"}, headers=headers)
    listing = await client.get("/api/v1/auth/tokens", headers=headers)
    assert listing.status_code == 200
    tokens = listing.json()
    assert [t["name"] for t in tokens] == ["second", "tests"]
    assert set(tokens[0]) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked",
        "revoked_at",
    }
    assert tokens[1]["last_used_at"] is not None  # it was used for this very request
    assert tokens[0]["revoked"] is False


async def test_revoked_token_answers_401(client: AsyncClient) -> None:
    user = await make_user("assessor")
    token = await token_for(user, "laptop")
    headers = {"Authorization": f"Bearer {token}"}
    token_id = (await client.get("/api/v1/auth/tokens", headers=headers)).json()[0]["id"]
    revoked = await client.delete(f"/api/v1/auth/tokens/{token_id}", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401
    assert (await client.get("/api/v1/organisations", headers=headers)).status_code == 401
    audit = await AuditRecord.select().where(AuditRecord.action == "token.revoke").first()
    assert audit["object_id"] == token_id and audit["actor_label"] == user["email"]


async def test_someone_elses_token_is_not_found_and_survives(client: AsyncClient) -> None:
    org = await make_organisation()
    owner, other = await make_user("dept_lead", org), await make_user("dept_lead", org)
    token = await token_for(owner)
    token_id = (await ApiToken.select(ApiToken.id).first())["id"]
    other_headers = await bearer(other)
    response = await client.delete(f"/api/v1/auth/tokens/{token_id}", headers=other_headers)
    assert response.status_code == 404
    listing = await client.get(f"/api/v1/users/{owner['id']}/tokens", headers=other_headers)
    assert listing.status_code == 404
    assert (
        await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 200


async def test_admin_can_find_and_revoke_anyones_token(client: AsyncClient) -> None:
    admin, owner = await make_user("admin"), await make_user("publisher")
    token = await token_for(owner, "Old laptop")
    admin_headers = await bearer(admin)
    listed = await client.get(f"/api/v1/users/{owner['id']}/tokens", headers=admin_headers)
    assert [t["name"] for t in listed.json()] == ["Old laptop"]
    token_id = listed.json()[0]["id"]
    response = await client.delete(f"/api/v1/auth/tokens/{token_id}", headers=admin_headers)
    assert response.status_code == 200
    assert (
        await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 401


async def test_unknown_token_id_is_404_and_garbage_bearer_is_401(client: AsyncClient) -> None:
    user = await make_user("publisher")
    missing = await client.delete(
        "/api/v1/auth/tokens/00000000-0000-4000-8000-000000000000", headers=await bearer(user)
    )
    assert missing.status_code == 404
    garbage = await client.get(
        "/api/v1/auth/me", headers={"Authorization": "Bearer chr_not-a-real-token"}
    )
    assert garbage.status_code == 401


async def test_token_page_creates_shows_once_lists_and_revokes(client: AsyncClient) -> None:
    user = await make_user("lead_assessor")
    await web_sign_in(client, user)
    empty = await client.get("/account/tokens")
    assert heading(empty) == "API tokens" and "There are no tokens." in empty.text

    created = await post_form(client, "/account/tokens", {"name": "Nightly export"})
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    token = page(created).find(id="token").get_text(strip=True)
    assert token.startswith("chr_")
    assert (
        await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 200

    listed = await client.get("/account/tokens")
    assert token not in listed.text
    row = page(listed).find("tbody").find("tr")
    assert "Nightly export" in row.get_text() and "Active" in row.get_text()

    action = row.find("form")["action"]
    revoked = await post_form(client, action, {"next": "/account/tokens"})
    assert revoked.status_code == 303 and revoked.headers["location"] == "/account/tokens"
    assert "Revoked" in page(await client.get("/account/tokens")).find("tbody").get_text()
    assert (
        await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 401


async def test_token_page_asks_for_a_name(client: AsyncClient) -> None:
    await web_sign_in(client, await make_user("publisher"))
    response = await post_form(client, "/account/tokens", {"name": "  "})
    assert response.status_code == 400
    assert error_summary(response) == [
        "Enter a name for the token, like the script or service that will use it"
    ]
    assert await ApiToken.count() == 0


async def test_admin_revokes_a_token_from_the_users_page(client: AsyncClient) -> None:
    admin, owner = await make_user("admin"), await make_user("publisher")
    token = await token_for(owner, "Old laptop")
    await web_sign_in(client, admin)
    user_page = await client.get(f"/admin/users/{owner['id']}")
    forms = [f for f in page(user_page).find_all("form") if f["action"].endswith("/revoke")]
    assert len(forms) == 1
    response = await post_form(client, forms[0]["action"], {"next": f"/admin/users/{owner['id']}"})
    assert response.headers["location"] == f"/admin/users/{owner['id']}"
    assert (
        await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 401
