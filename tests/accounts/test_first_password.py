"""A person whose password an administrator chose (when adding them, or later for someone who
forgot theirs) is asked for their own before the web pages let them do anything else; the API
(scripts) is not held up, but says so."""

from __future__ import annotations

from httpx import AsyncClient
from litestar import Litestar

from app.accounts.password_rules import password_problem
from app.accounts.tables import User
from app.audit.tables import AuditRecord
from tests.accounts.support import (
    browser,
    error_summary,
    heading,
    page,
    post_form,
    sign_in_with_form,
)
from tests.command import charter
from tests.factories import (
    PASSWORD,
    bearer,
    csrf_token,
    make_organisation,
    make_user,
    web_sign_in,
)

GIVEN = "glass orbit lantern pickle"
OWN = "copper kettle harbour lantern"


async def admin_adds_grace(client: AsyncClient) -> None:
    await make_organisation(slug="hmrc", name="HM Revenue and Customs")
    await web_sign_in(client, await make_user("admin"))
    created = await post_form(
        client,
        "/admin/users",
        {
            "name": "Grace Hopper",
            "email": "grace@example.gov.uk",
            "role": "dept_lead",
            "organisation": "hmrc",
            "password": GIVEN,
        },
    )
    assert created.status_code == 303
    summary = page(await client.get(created.headers["location"])).select_one(".govuk-summary-list")
    assert "The one an administrator chose" in summary.get_text(" ", strip=True)


async def test_a_person_added_by_an_admin_chooses_their_own_password_first(
    app: Litestar, client: AsyncClient
) -> None:
    await admin_adds_grace(client)
    async with browser(app) as grace:
        signed_in = await sign_in_with_form(grace, "grace@example.gov.uk", GIVEN)
        assert signed_in.status_code == 303
        landing = await grace.get(signed_in.headers["location"], follow_redirects=True)
        assert landing.url.path == "/account/password"
        for elsewhere in ("/assessments", "/evidence", "/account/tokens", "/frameworks/"):
            answer = await grace.get(elsewhere)
            assert (answer.status_code, answer.headers["location"]) == (303, "/account/password")
        form = await grace.get("/account/password")
        assert form.status_code == 200
        warning = page(form).select_one(".govuk-warning-text").get_text(" ", strip=True)
        assert "An administrator chose the password you signed in with" in warning

        changed = await post_form(
            grace, "/account/password", {"current_password": GIVEN, "new_password": OWN}
        )
        assert changed.status_code == 303
        done = await grace.get(changed.headers["location"])
        assert heading(done) == "Change your password"
        assert "Your password has been changed" in done.text
        assert page(done).select_one("a.govuk-button")["href"] == "/"
        assert page(done).select_one(".govuk-warning-text") is None
        assert (await grace.get("/assessments")).status_code == 200

    row = await User.select(User.must_change_password).where(User.email == "grace@example.gov.uk")
    assert row == [{"must_change_password": False}]
    actions = [r["action"] for r in await AuditRecord.select().order_by(AuditRecord.id)]
    assert actions[-1] == "user.password_change"


async def test_a_wrong_given_password_keeps_them_on_the_form(
    app: Litestar, client: AsyncClient
) -> None:
    await admin_adds_grace(client)
    async with browser(app) as grace:
        await sign_in_with_form(grace, "grace@example.gov.uk", GIVEN)
        wrong = await post_form(
            grace, "/account/password", {"current_password": "not it", "new_password": OWN}
        )
        assert wrong.status_code == 400
        assert "Your current password is incorrect" in wrong.text
        answer = await grace.get("/assessments")
        assert (answer.status_code, answer.headers["location"]) == (303, "/account/password")


async def test_the_api_says_so_but_does_not_hold_scripts_up(client: AsyncClient) -> None:
    admin = await make_user("admin")
    org = await make_organisation(slug="dvla")
    created = await client.post(
        "/api/v1/users",
        json={
            "email": "ada@example.gov.uk",
            "name": "Ada Lovelace",
            "role": "dept_lead",
            "organisation": "dvla",
            "password": GIVEN,
        },
        headers=await bearer(admin),
    )
    assert created.status_code == 201
    assert created.json()["must_change_password"] is True
    login = await client.post(
        "/api/v1/auth/login", json={"email": "ada@example.gov.uk", "password": GIVEN}
    )
    assert login.status_code == 200
    assert login.json()["user"]["must_change_password"] is True
    csrf = {"x-csrf-token": await csrf_token(client)}
    assert (await client.get("/api/v1/assessments")).status_code == 200
    token = await client.post("/api/v1/auth/tokens", json={"name": "script"}, headers=csrf)
    assert token.status_code == 201
    via_token = {"Authorization": f"Bearer {token.json()['token']}"}
    me = await client.get("/api/v1/auth/me", headers=via_token)
    assert me.json()["user"]["must_change_password"] is True
    listed = await client.get(f"/api/v1/evidence?organisation={org['slug']}", headers=via_token)
    assert listed.status_code == 200


async def test_people_who_chose_their_own_are_not_asked(client: AsyncClient) -> None:
    """The first administrator, made on the command line with a password they typed, and the
    people in the tests' factories (as the demo's) go straight to their pages."""
    result = charter(
        *("users", "create", "--email", "first@example.gov.uk", "--name", "First Admin"),
        *("--role", "admin", "--password-stdin"),
        stdin=OWN,
    )
    assert result.returncode == 0, result.stderr
    signed_in = await sign_in_with_form(client, "first@example.gov.uk", OWN)
    landing = await client.get(signed_in.headers["location"], follow_redirects=True)
    assert (landing.status_code, landing.url.path) == (200, "/admin/users")


# --- an administrator sets a new password for someone who forgot theirs -------------------------

NEW_GIVEN = "violet harbour seventeen kettles"


async def test_an_admin_sets_a_new_password_and_the_person_chooses_their_own(
    app: Litestar, client: AsyncClient
) -> None:
    org = await make_organisation(slug="dwp")
    grace = await make_user("dept_lead", org, email="grace@example.gov.uk", name="Grace Hopper")
    await web_sign_in(client, await make_user("admin"))
    user_page = f"/admin/users/{grace['id']}"
    weak = await post_form(client, f"{user_page}/password", {"password": "short"})
    assert weak.status_code == 400
    assert error_summary(weak) == [password_problem("short", grace["email"], grace["name"])]
    assert page(weak).select_one("input#password").get("value") in (None, "")  # never sent back
    assert "Department lead" in page(weak).select_one(".govuk-summary-list").get_text()
    set_ = await post_form(client, f"{user_page}/password", {"password": NEW_GIVEN})
    assert (set_.status_code, set_.headers["location"]) == (303, f"{user_page}?password=set")
    shown = await client.get(set_.headers["location"])
    assert "A new password is set. Grace Hopper will be asked to choose" in shown.text
    assert "The one an administrator chose" in shown.text

    async with browser(app) as person:
        old = await sign_in_with_form(person, "grace@example.gov.uk", PASSWORD)
        assert old.status_code == 400  # the old password no longer works
        signed_in = await sign_in_with_form(person, "grace@example.gov.uk", NEW_GIVEN)
        landing = await person.get(signed_in.headers["location"], follow_redirects=True)
        assert landing.url.path == "/account/password"
    record = await AuditRecord.select().where(AuditRecord.action == "user.password_set").first()
    assert record["object_id"] == str(grace["id"]) and NEW_GIVEN not in str(record)


async def test_the_api_sets_a_password_but_not_ones_own(client: AsyncClient) -> None:
    admin = await make_user("admin")
    someone = await make_user("assessor")
    headers = await bearer(admin)
    answer = await client.post(
        f"/api/v1/users/{someone['id']}/password", json={"password": NEW_GIVEN}, headers=headers
    )
    assert answer.status_code == 200
    assert answer.json()["must_change_password"] is True
    own = await client.post(
        f"/api/v1/users/{admin['id']}/password", json={"password": NEW_GIVEN}, headers=headers
    )
    assert own.status_code == 403
    assert "/account/password" in own.json()["detail"]
    common = await client.post(
        f"/api/v1/users/{someone['id']}/password",
        json={"password": "passwordpassword"},
        headers=headers,
    )
    assert common.status_code == 422 and "password" in common.json()["problems"]


async def test_a_locked_out_admin_is_given_a_new_password_on_the_command_line(
    client: AsyncClient,
) -> None:
    admin = await make_user("admin", email="only.admin@example.gov.uk")
    result = charter(
        "users",
        "set-password",
        "--email",
        "Only.Admin@example.gov.uk",
        "--password-stdin",
        stdin=NEW_GIVEN,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "New password set for only.admin@example.gov.uk: they will choose their own at sign-in"
    )
    signed_in = await sign_in_with_form(client, admin["email"], NEW_GIVEN)
    landing = await client.get(signed_in.headers["location"], follow_redirects=True)
    assert landing.url.path == "/account/password"
    nobody = charter(
        "users",
        "set-password",
        "--email",
        "nobody@example.gov.uk",
        "--password-stdin",
        stdin=NEW_GIVEN,
    )
    assert nobody.returncode == 1
    assert nobody.stderr.strip() == "error: No user has the email address nobody@example.gov.uk"
