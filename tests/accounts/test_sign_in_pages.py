"""The sign-in page, sign-out, `?next=` and session fixation, as a person with a browser meets
them."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from litestar import Litestar

from app.accounts.sign_in import local_path
from app.audit.tables import AuditRecord
from tests.accounts.support import (
    browser,
    error_summary,
    heading,
    page,
    post_form,
    sign_in_with_form,
)
from tests.factories import PASSWORD, make_organisation, make_user

PLANTED = "f" * 64


async def test_sign_in_page_asks_for_email_and_password(client: AsyncClient) -> None:
    response = await client.get("/sign-in?next=/admin/users")
    assert response.status_code == 200
    assert heading(response) == "Sign in to Charter"
    form = page(response).find("form", action="/sign-in")
    assert form.find("input", attrs={"name": "email"})["autocomplete"] == "username"
    assert form.find("input", attrs={"name": "password"})["type"] == "password"
    assert form.find("input", attrs={"name": "next"})["value"] == "/admin/users"
    assert form.find("input", attrs={"name": "_csrf_token"})["value"]
    assert response.headers["cache-control"] == "no-store"


async def test_signed_out_page_request_goes_to_sign_in_and_back(client: AsyncClient) -> None:
    user = await make_user("admin")
    redirect = await client.get("/account/tokens")
    assert redirect.status_code in (302, 303)
    assert redirect.headers["location"] == "/sign-in?next=/account/tokens"
    response = await sign_in_with_form(client, user["email"], next="/account/tokens")
    assert response.status_code == 303
    assert response.headers["location"] == "/account/tokens"
    assert heading(await client.get("/account/tokens")) == "API tokens"


async def test_empty_form_names_both_fields(client: AsyncClient) -> None:
    response = await post_form(client, "/sign-in", {"email": "", "password": ""})
    assert response.status_code == 400
    assert error_summary(response) == ["Enter your email address", "Enter your password"]
    assert page(response).title.get_text().startswith("Error: ")


async def test_wrong_password_and_unknown_email_look_the_same(client: AsyncClient) -> None:
    user = await make_user("admin")
    wrong = await sign_in_with_form(client, user["email"], "not the right password at all")
    unknown = await sign_in_with_form(
        client, "nobody@example.gov.uk", "not the right password at all"
    )
    assert wrong.status_code == unknown.status_code == 400
    assert error_summary(wrong) == error_summary(unknown) == ["Email or password is incorrect"]
    # What was typed is kept, except the password.
    email_box = page(wrong).find("input", attrs={"name": "email"})
    assert email_box["value"] == user["email"]
    assert "not the right password" not in wrong.text


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/ok\r\nLocation: https://evil.example",
        "/\tevil",
        "admin/users",
        "",
    ],
)
def test_next_is_local_only(target: str) -> None:
    assert local_path(target) == "/"


async def test_next_pointing_at_another_site_goes_home_instead(client: AsyncClient) -> None:
    user = await make_user("publisher")
    response = await sign_in_with_form(client, user["email"], next="//evil.example/path")
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_next_keeps_a_local_path_with_its_query(client: AsyncClient) -> None:
    user = await make_user("admin")
    response = await sign_in_with_form(
        client, user["email"], next="/admin/audit?action=user&page=2"
    )
    assert response.headers["location"] == "/admin/audit?action=user&page=2"


async def test_deactivated_user_cannot_sign_in(client: AsyncClient) -> None:
    user = await make_user("assessor", active=False)
    response = await sign_in_with_form(client, user["email"])
    assert response.status_code == 400
    assert error_summary(response) == ["Email or password is incorrect"]


async def test_sign_in_is_recorded_in_the_audit_trail(client: AsyncClient) -> None:
    org = await make_organisation()
    user = await make_user("dept_lead", org)
    await sign_in_with_form(client, user["email"])
    row = await AuditRecord.select().where(AuditRecord.action == "user.sign_in").first()
    assert row["actor_label"] == user["email"] and row["object_id"] == str(user["id"])


async def test_planted_session_id_is_replaced_at_sign_in_and_is_worthless(
    client: AsyncClient, app: Litestar
) -> None:
    user = await make_user("admin")
    client.cookies.set("charter_session", PLANTED)
    await client.get("/sign-in")
    response = await sign_in_with_form(client, user["email"])
    assert response.status_code == 303
    new_id = response.cookies["charter_session"]
    assert new_id != PLANTED
    async with browser(app) as attacker:
        attacker.cookies.set("charter_session", PLANTED)
        assert (await attacker.get("/api/v1/auth/me")).status_code == 401
    assert (await client.get("/api/v1/auth/me")).json()["user"]["email"] == user["email"]


async def test_attackers_own_live_session_planted_on_a_victim_is_ended_when_the_victim_signs_in(
    client: AsyncClient, app: Litestar
) -> None:
    attacker_user = await make_user("publisher")
    victim = await make_user("admin")
    async with browser(app) as attacker:
        await sign_in_with_form(attacker, attacker_user["email"])
        attackers_id = attacker.cookies["charter_session"]
        client.cookies.set("charter_session", attackers_id)
        response = await sign_in_with_form(client, victim["email"])
        assert response.cookies["charter_session"] != attackers_id
        me = await attacker.get("/api/v1/auth/me")
        assert me.status_code == 401, "the planted id must not now belong to the victim"


async def test_sign_out_ends_the_session_and_the_old_id_stops_working(
    client: AsyncClient, app: Litestar
) -> None:
    user = await make_user("admin")
    await sign_in_with_form(client, user["email"])
    old_id = client.cookies["charter_session"]
    response = await post_form(client, "/sign-out")
    assert response.status_code == 303 and response.headers["location"] == "/sign-in"
    cleared = response.headers["set-cookie"]
    assert 'charter_session=""' in cleared and "Max-Age=0" in cleared
    async with browser(app) as other:
        other.cookies.set("charter_session", old_id)
        assert (await other.get("/api/v1/auth/me")).status_code == 401


async def test_sign_out_needs_the_csrf_token(client: AsyncClient) -> None:
    user = await make_user("admin")
    await sign_in_with_form(client, user["email"])
    response = await client.post("/sign-out")
    assert response.status_code == 403
    assert (await client.get("/api/v1/auth/me")).status_code == 200


async def test_signed_in_person_visiting_sign_in_goes_on(client: AsyncClient) -> None:
    user = await make_user("admin")
    await client.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD})
    response = await client.get("/sign-in?next=/admin/users")
    assert response.status_code == 303 and response.headers["location"] == "/admin/users"
