"""Signing out of every other browser without changing the password: the person from their
account page (or the API), an admin for someone else (their page, the API or the command line).
Each raises the person's session generation; every session begun before ends at its next request,
while API tokens and the password stay as they were."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient
from litestar import Litestar
from litestar.middleware.session.server_side import ServerSideSessionBackend

from app.accounts.auth import SESSION_PASSWORD, SESSION_STARTED, SESSION_USER, password_stamp
from app.accounts.session_store import DatabaseStore
from app.accounts.tables import User
from app.audit.tables import AuditRecord
from tests.accounts.support import browser, page, post_form, stored_session_count
from tests.command import charter
from tests.factories import bearer, csrf_token, make_organisation, make_user, web_sign_in


async def signed_in(client: AsyncClient) -> bool:
    return (await client.get("/api/v1/auth/me")).status_code == 200


async def generation(user_id: object) -> int:
    row = await User.select(User.session_generation).where(User.id == user_id).first()
    return int(row["session_generation"])


async def test_the_account_page_shows_who_you_are_and_is_linked_from_every_page(
    client: AsyncClient,
) -> None:
    org = await make_organisation(name="Driver and Vehicle Standards Agency")
    ada = await make_user("dept_lead", org, name="Ada Lovelace", email="ada@example.gov.uk")
    await web_sign_in(client, ada)

    home = page(await client.get("/assessments"))
    assert home.select_one("a.charter-account__name")["href"] == "/account"

    answer = await client.get("/account")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    rows = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
        for row in page(answer).select(".govuk-summary-list__row")
    }
    assert rows["Name"] == "Ada Lovelace" and rows["Email"] == "ada@example.gov.uk"
    assert rows["Role"] == "Department lead"
    assert rows["Organisation"] == "Driver and Vehicle Standards Agency"
    links = {a["href"] for a in page(answer).select("main a.govuk-link")}
    assert {"/account/password", "/account/tokens"} <= links
    form = page(answer).select_one('form[action="/account/sessions/end"]')
    assert form is not None and form.select_one('input[name="_csrf_token"]') is not None


async def test_signing_out_of_other_browsers_keeps_this_one_the_password_and_the_tokens(
    app: Litestar, client: AsyncClient
) -> None:
    ada = await make_user("dept_contributor", name="Ada Lovelace")
    token = await bearer(ada)
    async with browser(app) as laptop, browser(app) as shared, browser(app) as replay:
        await web_sign_in(laptop, ada)
        await web_sign_in(shared, ada)
        old_cookie = laptop.cookies["charter_session"]

        ended = await post_form(laptop, "/account/sessions/end")
        assert (ended.status_code, ended.headers["location"]) == (303, "/account?sessions=ended")
        after = page(await laptop.get(ended.headers["location"]))
        banner = after.select_one(".govuk-notification-banner")
        assert "signed out of every other browser" in banner.get_text(" ", strip=True)
        assert await signed_in(laptop)
        assert laptop.cookies["charter_session"] != old_cookie  # under a new id

        left_behind = await shared.get("/assessments")
        assert left_behind.status_code == 302
        assert left_behind.headers["location"] == "/sign-in?next=/assessments&ended=yes"
        assert await stored_session_count() == 1

        replay.cookies.set("charter_session", old_cookie)
        assert not await signed_in(replay)

        # Same password, and a session begun now carries the new generation.
        await web_sign_in(shared, ada)
        assert await signed_in(shared) and await signed_in(laptop)

    assert (await client.get("/api/v1/auth/me", headers=token)).status_code == 200
    records = await AuditRecord.select().where(AuditRecord.action == "user.sessions_end")
    assert [(r["object_id"], r["actor_label"]) for r in records] == [(str(ada["id"]), ada["email"])]


async def test_without_the_csrf_token_nothing_is_ended(app: Litestar, client: AsyncClient) -> None:
    ada = await make_user("dept_contributor")
    await web_sign_in(client, ada)
    async with browser(app) as other:
        await web_sign_in(other, ada)
        refused = await client.post("/account/sessions/end", data={})
        assert refused.status_code == 403
        assert await signed_in(client) and await signed_in(other)
    assert await generation(ada["id"]) == 0
    assert await AuditRecord.count().where(AuditRecord.action == "user.sessions_end") == 0


async def test_the_api_keeps_the_calling_session_and_a_token_call_ends_them_all(
    app: Litestar,
) -> None:
    ada = await make_user("publisher")
    token = await bearer(ada)
    async with browser(app) as laptop, browser(app) as phone:
        await web_sign_in(laptop, ada)
        await web_sign_in(phone, ada)
        answer = await laptop.post(
            "/api/v1/auth/sessions/end", headers={"x-csrf-token": await csrf_token(laptop)}
        )
        assert answer.status_code == 200 and answer.json() == {"other_sessions_ended": True}
        assert await signed_in(laptop) and not await signed_in(phone)

        by_script = await laptop.post("/api/v1/auth/sessions/end", headers=token)
        assert by_script.status_code == 200
        assert not await signed_in(laptop)  # a token is no session: every session ends
        assert (await laptop.get("/api/v1/auth/me", headers=token)).status_code == 200
    assert await generation(ada["id"]) == 2


async def test_an_admin_signs_someone_out_everywhere_but_not_themselves(
    app: Litestar, client: AsyncClient
) -> None:
    admin = await make_user("admin", name="Alan Admin")
    grace = await make_user("assessor", name="Grace Hopper")
    grace_token = await bearer(grace)
    await web_sign_in(client, admin)
    async with browser(app) as hers:
        await web_sign_in(hers, grace)
        their_page = page(await client.get(f"/admin/users/{grace['id']}"))
        assert their_page.select_one(f'form[action="/admin/users/{grace["id"]}/sessions/end"]')

        done = await post_form(client, f"/admin/users/{grace['id']}/sessions/end")
        assert done.headers["location"] == f"/admin/users/{grace['id']}?sessions=ended"
        banner = page(await client.get(done.headers["location"])).select_one(
            ".govuk-notification-banner"
        )
        assert "Grace Hopper has been signed out of every browser" in banner.get_text(" ")
        assert not await signed_in(hers)
        assert await signed_in(client)  # the admin's own session is not touched
    assert (await client.get("/api/v1/auth/me", headers=grace_token)).status_code == 200

    own_page = page(await client.get(f"/admin/users/{admin['id']}"))
    assert own_page.select_one(f'form[action="/admin/users/{admin["id"]}/sessions/end"]') is None
    admin_token = await bearer(admin)
    own = await client.post(f"/api/v1/users/{admin['id']}/sessions/end", headers=admin_token)
    assert own.status_code == 403 and "/account" in own.json()["detail"]
    missing = await client.post(
        "/api/v1/users/00000000-0000-0000-0000-000000000000/sessions/end", headers=admin_token
    )
    assert missing.status_code == 404
    assert await generation(admin["id"]) == 0


async def test_an_admin_api_call_answers_with_the_user_and_others_may_not(
    app: Litestar, client: AsyncClient
) -> None:
    grace = await make_user("assessor", email="grace@example.gov.uk")
    lead = await bearer(await make_user("lead_assessor"))
    refused = await client.post(f"/api/v1/users/{grace['id']}/sessions/end", headers=lead)
    assert refused.status_code == 403
    assert await generation(grace["id"]) == 0

    admin = await bearer(await make_user("admin"))
    answer = await client.post(f"/api/v1/users/{grace['id']}/sessions/end", headers=admin)
    assert answer.status_code == 200
    assert (answer.json()["email"], answer.json()["active"]) == ("grace@example.gov.uk", True)
    assert await generation(grace["id"]) == 1


async def test_the_command_line_signs_someone_out_everywhere(app: Litestar) -> None:
    grace = await make_user("assessor", email="grace@example.gov.uk")
    async with browser(app) as hers:
        await web_sign_in(hers, grace)
        result = charter("users", "end-sessions", "--email", "GRACE@example.gov.uk")
        assert result.returncode == 0, result.stderr
        assert "grace@example.gov.uk" in result.stdout
        assert not await signed_in(hers)

    unknown = charter("users", "end-sessions", "--email", "nobody@example.gov.uk")
    assert unknown.returncode != 0
    assert unknown.stderr.strip() == "error: No user has the email address nobody@example.gov.uk"
    record = await AuditRecord.select().where(AuditRecord.action == "user.sessions_end").first()
    assert record["object_id"] == str(grace["id"])


async def test_a_session_stored_before_generations_existed_goes_on_until_they_are_ended(
    app: Litestar, client: AsyncClient
) -> None:
    """A session written by the previous version (password stamp, no generation) counts as
    generation 0, so the upgrade signs no one out; ending sessions ends it like any other."""
    ada = await make_user("dept_contributor")
    data = {
        SESSION_USER: str(ada["id"]),
        SESSION_STARTED: dt.datetime.now(dt.UTC).isoformat(),
        SESSION_PASSWORD: password_stamp(ada["password_hash"]),
    }
    await DatabaseStore().set(
        "a-session-from-before", ServerSideSessionBackend.serialize_data(data), expires_in=600
    )
    async with browser(app) as old:
        old.cookies.set("charter_session", "a-session-from-before")
        assert await signed_in(old)
        admin = await bearer(await make_user("admin"))
        await client.post(f"/api/v1/users/{ada['id']}/sessions/end", headers=admin)
        assert not await signed_in(old)


async def test_a_session_does_not_come_back_when_a_deactivated_person_is_reactivated(
    app: Litestar, client: AsyncClient
) -> None:
    """Deactivation ends every session at once: reactivating the person before a session's next
    request (a suspected misuse, cleared up within the idle time-out) brings none back."""
    grace = await make_user("assessor")
    admin = await bearer(await make_user("admin"))
    async with browser(app) as hers:
        await web_sign_in(hers, grace)
        off = await client.post(f"/api/v1/users/{grace['id']}/deactivate", headers=admin)
        on = await client.post(f"/api/v1/users/{grace['id']}/reactivate", headers=admin)
        assert (off.status_code, on.status_code) == (200, 200)
        assert not await signed_in(hers)
        await web_sign_in(hers, grace)  # signing in again works
        assert await signed_in(hers)
