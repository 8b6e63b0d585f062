"""Users: admins list, create (with a first password), change roles and deactivate, over the API
and on the admin pages; nobody else can."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from app.accounts.tables import User
from app.audit.tables import AuditRecord
from tests.accounts.support import error_summary, heading, page, post_form
from tests.factories import PASSWORD, bearer, make_organisation, make_user, token_for, web_sign_in

NEW = {
    "email": "Grace.Hopper@Example.gov.uk",
    "name": "Grace Hopper",
    "role": "assessor",
    "password": "glass orbit lantern pickle",
}


async def test_admin_lists_users_with_their_organisation(client: AsyncClient) -> None:
    admin = await make_user("admin", name="Alice Admin")
    org = await make_organisation(slug="hmrc")
    await make_user("dept_lead", org, name="Bob Lead")
    response = await client.get("/api/v1/users", headers=await bearer(admin))
    assert response.status_code == 200
    users = response.json()
    assert [u["name"] for u in users] == ["Alice Admin", "Bob Lead"]
    assert users[1]["organisation"] == "hmrc" and users[1]["role"] == "dept_lead"
    assert "password_hash" not in users[0]


@pytest.mark.parametrize(
    "role", ["publisher", "lead_assessor", "assessor", "dept_lead", "dept_contributor"]
)
async def test_only_admins_manage_users(client: AsyncClient, role: str) -> None:
    org = await make_organisation()
    someone = await make_user(role, org)
    headers = await bearer(someone)
    assert (await client.get("/api/v1/users", headers=headers)).status_code == 403
    assert (await client.post("/api/v1/users", json=NEW, headers=headers)).status_code == 403
    assert (
        await client.post(f"/api/v1/users/{someone['id']}/deactivate", headers=headers)
    ).status_code == 403
    assert (
        await client.put(
            f"/api/v1/users/{someone['id']}/role", json={"role": "admin"}, headers=headers
        )
    ).status_code == 403
    assert (await User.select(User.role).where(User.id == someone["id"]).first())["role"] == role


async def test_admin_creates_a_user_who_can_then_sign_in(client: AsyncClient) -> None:
    admin = await make_user("admin")
    response = await client.post("/api/v1/users", json=NEW, headers=await bearer(admin))
    assert response.status_code == 201
    assert response.json()["email"] == "grace.hopper@example.gov.uk"
    login = await client.post(
        "/api/v1/auth/login",
        json={"email": "grace.hopper@example.gov.uk", "password": NEW["password"]},
    )
    assert login.status_code == 200
    audit = await AuditRecord.select().where(AuditRecord.action == "user.create").first()
    assert audit["actor_label"] == admin["email"]
    assert "glass orbit" not in str(audit)


async def test_create_names_every_problem_and_saves_nothing(client: AsyncClient) -> None:
    admin = await make_user("admin")
    response = await client.post(
        "/api/v1/users",
        json={"email": "not-an-email", "name": " ", "role": "dept_lead", "password": "short"},
        headers=await bearer(admin),
    )
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert set(problems) == {"email", "name", "organisation", "password"}
    assert await User.count() == 1


async def test_duplicate_email_is_refused(client: AsyncClient) -> None:
    admin = await make_user("admin")
    await make_user("publisher", email="grace.hopper@example.gov.uk")
    response = await client.post("/api/v1/users", json=NEW, headers=await bearer(admin))
    assert response.status_code == 422
    assert (
        response.json()["problems"]["email"]
        == "A user with email grace.hopper@example.gov.uk already exists"
    )


async def test_admin_changes_a_role_and_it_is_audited(client: AsyncClient) -> None:
    admin = await make_user("admin")
    org = await make_organisation(slug="dwp")
    user = await make_user("assessor")
    response = await client.put(
        f"/api/v1/users/{user['id']}/role",
        json={"role": "dept_lead", "organisation": "dwp"},
        headers=await bearer(admin),
    )
    assert response.status_code == 200
    assert response.json()["role"] == "dept_lead" and response.json()["organisation"] == "dwp"
    row = await User.select().where(User.id == user["id"]).first()
    assert row["role"] == "dept_lead" and row["organisation"] == org["id"]
    audit = await AuditRecord.select().where(AuditRecord.action == "user.role_change").first()
    assert audit["object_id"] == str(user["id"])
    assert "assessor" in str(audit["before"]) and "dept_lead" in str(audit["after"])


async def test_department_role_needs_an_organisation(client: AsyncClient) -> None:
    admin, user = await make_user("admin"), await make_user("assessor")
    response = await client.put(
        f"/api/v1/users/{user['id']}/role",
        json={"role": "dept_contributor"},
        headers=await bearer(admin),
    )
    assert response.status_code == 422
    assert "organisation" in response.json()["problems"]
    bad_role = await client.put(
        f"/api/v1/users/{user['id']}/role", json={"role": "overlord"}, headers=await bearer(admin)
    )
    assert bad_role.status_code == 422 and "role" in bad_role.json()["problems"]


async def test_admin_cannot_demote_or_deactivate_themselves(client: AsyncClient) -> None:
    admin = await make_user("admin")
    headers = await bearer(admin)
    demote = await client.put(
        f"/api/v1/users/{admin['id']}/role", json={"role": "publisher"}, headers=headers
    )
    assert demote.status_code == 403
    deactivate = await client.post(f"/api/v1/users/{admin['id']}/deactivate", headers=headers)
    assert deactivate.status_code == 403
    assert (await User.select(User.role, User.active).where(User.id == admin["id"]).first()) == {
        "role": "admin",
        "active": True,
    }


async def test_deactivated_user_cannot_sign_in_and_their_tokens_stop_working(
    client: AsyncClient,
) -> None:
    admin, user = await make_user("admin"), await make_user("publisher")
    token = await token_for(user)
    response = await client.post(
        f"/api/v1/users/{user['id']}/deactivate", headers=await bearer(admin)
    )
    assert response.status_code == 200 and response.json()["active"] is False
    assert (
        await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 401
    login = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
    )
    assert login.status_code == 401
    assert await User.exists().where(User.id == user["id"])  # never deleted

    again = await client.post(f"/api/v1/users/{user['id']}/reactivate", headers=await bearer(admin))
    assert again.json()["active"] is True
    assert (
        await client.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD})
    ).status_code == 200
    # Reactivating does not bring old tokens back.
    assert (
        await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 401
    actions = [
        r["action"] for r in await AuditRecord.select(AuditRecord.action).order_by(AuditRecord.id)
    ]
    assert "user.deactivate" in actions and "user.reactivate" in actions


async def test_unknown_user_is_404(client: AsyncClient) -> None:
    admin = await make_user("admin")
    missing = "00000000-0000-4000-8000-000000000000"
    assert (
        await client.get(f"/api/v1/users/{missing}", headers=await bearer(admin))
    ).status_code == 404


# --- pages -------------------------------------------------------------------------------------


async def test_users_page_lists_people(client: AsyncClient) -> None:
    admin = await make_user("admin", name="Alice Admin")
    await make_user("publisher", name="Pat Publisher", active=False)
    await web_sign_in(client, admin)
    response = await client.get("/admin/users")
    assert heading(response) == "Users"
    rows = [
        [td.get_text(strip=True) for td in tr.find_all(["th", "td"])]
        for tr in page(response).select("tbody tr")
    ]
    assert rows[0][:3] == ["Alice Admin", admin["email"], "Administrator"]
    assert rows[1][0] == "Pat Publisher" and rows[1][-1] == "Deactivated"


async def test_users_page_is_paginated(client: AsyncClient) -> None:
    admin = await make_user("admin", name="Aaron Admin")
    for n in range(55):
        await make_user("assessor", name=f"Assessor {n:02d}")
    await web_sign_in(client, admin)
    first = await client.get("/admin/users")
    assert len(page(first).select("tbody tr")) == 50
    assert page(first).select_one(".govuk-pagination__next a")["href"] == "/admin/users?page=2"
    second = await client.get("/admin/users?page=2")
    assert len(page(second).select("tbody tr")) == 6


async def test_non_admin_gets_403_on_admin_pages(client: AsyncClient) -> None:
    await web_sign_in(client, await make_user("lead_assessor"))
    for path in ("/admin/users", "/admin/users/new", "/admin/organisations", "/admin/audit"):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert heading(response) == "You cannot do this"


async def test_add_user_form_shows_problems_and_keeps_what_was_typed(client: AsyncClient) -> None:
    await web_sign_in(client, await make_user("admin"))
    form = await client.get("/admin/users/new")
    assert heading(form) == "Add a user"
    response = await post_form(
        client,
        "/admin/users",
        {
            "name": "Grace Hopper",
            "email": "grace@example.gov.uk",
            "role": "dept_lead",
            "organisation": "",
            "password": "passwordpassword",
        },
    )
    assert response.status_code == 400
    assert error_summary(response) == [
        "A department role needs the organisation the person belongs to",
        "Password is too common or too easy to guess: try three or more random words",
    ]
    soup = page(response)
    assert soup.find("input", attrs={"name": "name"})["value"] == "Grace Hopper"
    assert soup.find("input", attrs={"name": "role", "value": "dept_lead"}).has_attr("checked")
    assert not soup.find("input", attrs={"name": "password"}).get("value")


async def test_add_user_then_change_role_then_deactivate_on_the_pages(client: AsyncClient) -> None:
    await make_organisation(slug="hmrc", name="HM Revenue and Customs")
    await web_sign_in(client, await make_user("admin"))
    created = await post_form(
        client,
        "/admin/users",
        {
            "name": "Grace Hopper",
            "email": "grace@example.gov.uk",
            "role": "dept_contributor",
            "organisation": "hmrc",
            "password": "glass orbit lantern pickle",
        },
    )
    assert created.status_code == 303
    user_path = created.headers["location"]
    shown = await client.get(user_path)
    assert heading(shown) == "Grace Hopper"
    summary = page(shown).select_one(".govuk-summary-list").get_text(" ", strip=True)
    assert "Department contributor" in summary and "HM Revenue and Customs" in summary

    changed = await post_form(
        client, f"{user_path}/role", {"role": "dept_lead", "organisation": "hmrc"}
    )
    assert changed.status_code == 303
    assert (
        "Department lead"
        in page(await client.get(user_path)).select_one(".govuk-summary-list").get_text()
    )

    off = await post_form(client, f"{user_path}/deactivate")
    assert off.status_code == 303
    after = await client.get(user_path)
    assert "Deactivated" in page(after).select_one(".govuk-summary-list").get_text()
    assert page(after).find("form", action=f"{user_path}/reactivate") is not None
    row = (
        await User.select(User.active, User.role)
        .where(User.email == "grace@example.gov.uk")
        .first()
    )
    assert row == {"active": False, "role": "dept_lead"}


async def test_change_role_form_shows_problems(client: AsyncClient) -> None:
    await web_sign_in(client, await make_user("admin"))
    user = await make_user("assessor")
    response = await post_form(client, f"/admin/users/{user['id']}/role", {"role": "dept_lead"})
    assert response.status_code == 400
    assert error_summary(response) == [
        "A department role needs the organisation the person belongs to"
    ]


async def test_own_page_offers_no_role_change_or_deactivation(client: AsyncClient) -> None:
    admin = await make_user("admin")
    await web_sign_in(client, admin)
    response = await client.get(f"/admin/users/{admin['id']}")
    actions = [f["action"] for f in page(response).find_all("form")]
    assert not any(a.endswith(("/role", "/deactivate")) for a in actions)
