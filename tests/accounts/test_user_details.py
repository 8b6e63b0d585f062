"""An admin gives someone a new name or email address (a marriage, a department renamed), on the
user's page or with PATCH /api/v1/users/{id}: the person signs in with the new address, their
session and tokens go on, the audit record keeps both, and a refused change keeps everything."""

from __future__ import annotations

from httpx import AsyncClient
from litestar import Litestar

from app.accounts.tables import User
from app.audit.tables import AuditRecord
from tests.accounts.support import browser, error_summary, page, post_form, sign_in_with_form
from tests.command import charter
from tests.factories import PASSWORD, bearer, make_user, web_sign_in


async def stored(user_id: object) -> tuple[str, str]:
    row = await User.select(User.email, User.name).where(User.id == user_id).first()
    return row["email"], row["name"]


async def test_an_admin_changes_a_name_and_email_on_the_page_and_the_person_signs_in_with_it(
    app: Litestar, client: AsyncClient
) -> None:
    await web_sign_in(client, await make_user("admin"))
    ada = await make_user("dept_contributor", name="Ada Byron", email="ada.byron@dvla.example")
    token = await bearer(ada)
    async with browser(app) as hers:
        await web_sign_in(hers, ada)
        before = page(await client.get(f"/admin/users/{ada['id']}"))
        assert before.select_one("input#name")["value"] == "Ada Byron"
        assert before.select_one("input#email")["value"] == "ada.byron@dvla.example"

        saved = await post_form(
            client,
            f"/admin/users/{ada['id']}/details",
            {"name": "  Ada Lovelace ", "email": "Ada.Lovelace@DVSA.example"},
        )
        assert saved.headers["location"] == f"/admin/users/{ada['id']}?details=saved"
        banner = page(await client.get(saved.headers["location"])).select_one(
            ".govuk-notification-banner"
        )
        assert "Ada Lovelace signs in with ada.lovelace@dvsa.example" in banner.get_text(" ")
        assert await stored(ada["id"]) == ("ada.lovelace@dvsa.example", "Ada Lovelace")

        # Her session goes on, under her new name; so does her token.
        me = (await hers.get("/api/v1/auth/me")).json()["user"]
        assert (me["name"], me["email"]) == ("Ada Lovelace", "ada.lovelace@dvsa.example")
        assert (await hers.get("/api/v1/auth/me", headers=token)).status_code == 200

    async with browser(app) as fresh:
        assert (await sign_in_with_form(fresh, "ada.byron@dvla.example")).status_code == 400
        assert (await sign_in_with_form(fresh, "ada.lovelace@dvsa.example")).status_code == 303
    audit = await client.get(
        "/api/v1/audit?action=user.details_change", headers=await bearer(await make_user("admin"))
    )
    [record] = audit.json()["records"]
    assert record["object_id"] == str(ada["id"])
    assert record["before"] == {"email": "ada.byron@dvla.example", "name": "Ada Byron"}
    assert record["after"] == {"email": "ada.lovelace@dvsa.example", "name": "Ada Lovelace"}


async def test_a_refused_change_names_the_field_keeps_what_was_typed_and_changes_nothing(
    client: AsyncClient,
) -> None:
    await web_sign_in(client, await make_user("admin"))
    ada = await make_user("dept_contributor", name="Ada Byron", email="ada@example.gov.uk")
    await make_user("assessor", email="grace@example.gov.uk")
    tries = [
        (
            {"name": "Ada Lovelace", "email": "grace@example.gov.uk"},
            "A user with email grace@example.gov.uk already exists",
        ),
        (
            {"name": "Ada Lovelace", "email": "not an address"},
            "Enter an email address in the correct format, like name@example.gov.uk",
        ),
        ({"name": "   ", "email": "ada@example.gov.uk"}, "Enter the person's name"),
        (
            {"name": "A" * 201, "email": "ada@example.gov.uk"},
            "Name must be 200 characters or fewer",
        ),
    ]
    for form, problem in tries:
        refused = await post_form(client, f"/admin/users/{ada['id']}/details", form)
        assert refused.status_code == 400, form
        assert error_summary(refused) == [problem]
        shown = page(refused)
        assert shown.select_one("input#email")["value"] == form["email"]  # as typed, not lost
    assert await stored(ada["id"]) == ("ada@example.gov.uk", "Ada Byron")
    assert await AuditRecord.count().where(AuditRecord.action == "user.details_change") == 0


async def test_the_api_changes_either_field_alone_and_only_admins_may(
    app: Litestar, client: AsyncClient
) -> None:
    ada = await make_user("dept_contributor", name="Ada Byron", email="ada@example.gov.uk")
    admin = await bearer(await make_user("admin"))

    renamed = await client.patch(
        f"/api/v1/users/{ada['id']}", json={"name": "Ada Lovelace"}, headers=admin
    )
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["email"]) == (
        "Ada Lovelace",
        "ada@example.gov.uk",
    )

    moved = await client.patch(
        f"/api/v1/users/{ada['id']}", json={"email": "ada@dvsa.example"}, headers=admin
    )
    assert moved.json()["email"] == "ada@dvsa.example"
    assert await stored(ada["id"]) == ("ada@dvsa.example", "Ada Lovelace")

    same = await client.patch(f"/api/v1/users/{ada['id']}", json={}, headers=admin)
    assert same.status_code == 200
    assert await AuditRecord.count().where(AuditRecord.action == "user.details_change") == 2

    bad = await client.patch(f"/api/v1/users/{ada['id']}", json={"email": ""}, headers=admin)
    assert bad.status_code == 422
    assert bad.json()["problems"] == {
        "email": "Enter an email address in the correct format, like name@example.gov.uk"
    }

    lead = await bearer(await make_user("lead_assessor"))
    refused = await client.patch(f"/api/v1/users/{ada['id']}", json={"name": "X"}, headers=lead)
    assert refused.status_code == 403
    missing = await client.patch(
        "/api/v1/users/00000000-0000-0000-0000-000000000000", json={"name": "X"}, headers=admin
    )
    assert missing.status_code == 404
    assert await stored(ada["id"]) == ("ada@dvsa.example", "Ada Lovelace")
    async with browser(app) as fresh:  # the password is untouched
        assert (await sign_in_with_form(fresh, "ada@dvsa.example", PASSWORD)).status_code == 303


async def test_the_command_line_changes_a_name_and_email_and_names_what_is_wrong(
    app: Litestar, client: AsyncClient
) -> None:
    ada = await make_user("dept_contributor", name="Ada Byron", email="ada.byron@dvla.example")
    await make_user("assessor", email="grace@example.gov.uk")
    async with browser(app) as hers:
        await web_sign_in(hers, ada)
        done = charter(
            "users", "change", "--email", "ADA.BYRON@dvla.example",
            "--new-email", "Ada.Lovelace@dvsa.example", "--name", "Ada Lovelace",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "Ada Lovelace signs in with ada.lovelace@dvsa.example"
        assert await stored(ada["id"]) == ("ada.lovelace@dvsa.example", "Ada Lovelace")
        assert (await hers.get("/api/v1/auth/me")).status_code == 200  # her session goes on

    name_only = charter("users", "change", "--email", "ada.lovelace@dvsa.example", "--name", "A L")
    assert name_only.returncode == 0 and await stored(ada["id"]) == (
        "ada.lovelace@dvsa.example",
        "A L",
    )

    taken = charter(
        "users", "change", "--email", "ada.lovelace@dvsa.example",
        "--new-email", "grace@example.gov.uk", "--name", "",
    )  # fmt: skip
    assert taken.returncode == 1
    assert "error: name:" in taken.stderr
    assert await stored(ada["id"]) == ("ada.lovelace@dvsa.example", "A L")
    taken = charter(
        "users", "change", "--email", "ada.lovelace@dvsa.example",
        "--new-email", "grace@example.gov.uk",
    )  # fmt: skip
    assert taken.returncode == 1
    assert (
        taken.stderr.strip()
        == "error: email: A user with email grace@example.gov.uk already exists"
    )
    nothing = charter("users", "change", "--email", "ada.lovelace@dvsa.example")
    assert nothing.returncode == 2 and "Give --new-email, --name or both" in nothing.stderr
    unknown = charter("users", "change", "--email", "nobody@example.gov.uk", "--name", "X")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: No user has the email address nobody@example.gov.uk"
    changes = await AuditRecord.select().where(AuditRecord.action == "user.details_change")
    assert len(changes) == 2


async def test_a_name_must_be_visible_and_on_one_line(client: AsyncClient) -> None:
    """Names go onto certificates, reports and CSV files: an invisible one or a line break is
    refused, when a person is added and when they are renamed."""
    ada = await make_user("dept_contributor", name="Ada Byron")
    admin = await bearer(await make_user("admin"))
    cases = {
        "\u200b \u200d\u2060": "Enter the person's name",
        "Ada\nLovelace": "Name must be on one line, without tabs or other control characters",
        "Ada\tLovelace": "Name must be on one line, without tabs or other control characters",
    }
    for name, problem in cases.items():
        renamed = await client.patch(
            f"/api/v1/users/{ada['id']}", json={"name": name}, headers=admin
        )
        assert renamed.status_code == 422 and renamed.json()["problems"] == {"name": problem}
        added = await client.post(
            "/api/v1/users",
            json={
                "email": "grace@example.gov.uk",
                "name": name,
                "role": "assessor",
                "password": "plum tractor umbrella seventeen lanterns",
            },
            headers=admin,
        )
        assert added.status_code == 422 and added.json()["problems"] == {"name": problem}
    assert (await stored(ada["id"]))[1] == "Ada Byron"
    assert await User.count().where(User.email == "grace@example.gov.uk") == 0
    accented = await client.patch(
        f"/api/v1/users/{ada['id']}", json={"name": "Zoë O\u2019Neill-Ŵyn"}, headers=admin
    )
    assert accented.status_code == 200 and accented.json()["name"] == "Zoë O\u2019Neill-Ŵyn"
