"""Changing a password ends every other session begun with the old one: a person who suspects
someone else signed in as them changes it and that someone is out. The session that changed it
goes on, under a new id. An admin setting a new password ends all of the person's sessions."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient
from litestar import Litestar
from litestar.middleware.session.server_side import ServerSideSessionBackend

from app.accounts.auth import SESSION_STARTED, SESSION_USER
from app.accounts.password_rules import password_problem
from app.accounts.session_store import DatabaseStore
from app.accounts.tables import User
from app.audit.tables import AuditRecord
from tests.accounts.support import (
    browser,
    error_summary,
    post_form,
    sign_in_with_form,
    stored_session_count,
)
from tests.command import charter
from tests.factories import PASSWORD, bearer, make_user, web_sign_in

NEW = "copper kettle harbour lantern"


async def signed_in(client: AsyncClient) -> bool:
    return (await client.get("/api/v1/auth/me")).status_code == 200


async def test_a_new_password_signs_out_every_other_session_and_keeps_this_one(
    app: Litestar, client: AsyncClient
) -> None:
    ada = await make_user("dept_contributor", name="Ada Lovelace")
    async with browser(app) as laptop, browser(app) as stolen:
        await web_sign_in(laptop, ada)
        await web_sign_in(stolen, ada)
        old_cookie = laptop.cookies["charter_session"]
        assert await stored_session_count() == 2

        changed = await post_form(
            laptop, "/account/password", {"current_password": PASSWORD, "new_password": NEW}
        )
        assert (changed.status_code, changed.headers["location"]) == (
            303,
            "/account/password?changed=yes",
        )
        assert await signed_in(laptop)
        assert laptop.cookies["charter_session"] != old_cookie  # a copied cookie is worthless

        assert not await signed_in(stolen)
        page = await stolen.get("/assessments")
        assert page.status_code == 302 and page.headers["location"].startswith("/sign-in")
        assert await stored_session_count() == 1  # the other session's row is gone

        async with browser(app) as replay:
            replay.cookies.set("charter_session", old_cookie)
            assert not await signed_in(replay)

    assert (await sign_in_with_form(client, ada["email"], PASSWORD)).status_code == 400
    assert (await sign_in_with_form(client, ada["email"], NEW)).status_code == 303
    record = await AuditRecord.select().where(AuditRecord.action == "user.password_change").first()
    assert record["object_id"] == str(ada["id"]) and NEW not in str(record)


async def test_a_refused_change_keeps_the_password_and_every_session(
    app: Litestar, client: AsyncClient
) -> None:
    ada = await make_user("dept_contributor", name="Ada Lovelace")
    await web_sign_in(client, ada)
    async with browser(app) as other:
        await web_sign_in(other, ada)
        tries = [
            ({"current_password": "", "new_password": NEW}, ["Enter your current password"]),
            (
                {"current_password": "not my password at all", "new_password": NEW},
                ["Your current password is incorrect"],
            ),
            (
                {"current_password": PASSWORD, "new_password": PASSWORD},
                ["New password must differ from your current password"],
            ),
            (
                {"current_password": PASSWORD, "new_password": "short"},
                [password_problem("short", ada["email"], ada["name"])],
            ),
        ]
        for form, problems in tries:
            refused = await post_form(client, "/account/password", form)
            assert refused.status_code == 400, form
            assert error_summary(refused) == problems
        assert await signed_in(client) and await signed_in(other)
    assert (await sign_in_with_form(client, ada["email"], PASSWORD)).status_code == 303
    assert await AuditRecord.count().where(AuditRecord.action == "user.password_change") == 0


async def test_a_password_an_admin_sets_ends_the_persons_sessions_but_not_their_tokens(
    app: Litestar, client: AsyncClient
) -> None:
    grace = await make_user("assessor", email="grace@example.gov.uk")
    token = await bearer(grace)
    async with browser(app) as hers:
        await web_sign_in(hers, grace)
        admin = await bearer(await make_user("admin"))
        answer = await client.post(
            f"/api/v1/users/{grace['id']}/password",
            json={"password": "violet harbour seventeen kettles"},
            headers=admin,
        )
        assert answer.status_code == 200
        assert not await signed_in(hers)
    assert (await client.get("/api/v1/auth/me", headers=token)).status_code == 200


async def test_the_command_line_password_ends_the_persons_sessions(app: Litestar) -> None:
    admin = await make_user("admin", email="only.admin@example.gov.uk")
    async with browser(app) as theirs:
        await web_sign_in(theirs, admin)
        result = charter(
            "users",
            "set-password",
            "--email",
            admin["email"],
            "--password-stdin",
            stdin="violet harbour seventeen kettles",
        )
        assert result.returncode == 0, result.stderr
        assert not await signed_in(theirs)


async def test_a_session_that_does_not_say_which_password_began_it_is_not_accepted(
    app: Litestar,
) -> None:
    """Sessions stored by an earlier version (without the stamp) end: everyone signs in again
    once after the upgrade, rather than any session outliving a password change."""
    ada = await make_user("dept_contributor")
    data = {SESSION_USER: str(ada["id"]), SESSION_STARTED: dt.datetime.now(dt.UTC).isoformat()}
    await DatabaseStore().set(
        "an-old-session-id", ServerSideSessionBackend.serialize_data(data), expires_in=600
    )
    async with browser(app) as old:
        old.cookies.set("charter_session", "an-old-session-id")
        assert not await signed_in(old)
    assert await stored_session_count() == 0


async def test_an_upgraded_hash_at_sign_in_keeps_that_session(
    app: Litestar, client: AsyncClient
) -> None:
    """When the hashing parameters change, sign-in re-hashes the password: the session it
    starts is stamped with the new hash, so it is not ended by its own sign-in."""
    from argon2 import PasswordHasher

    ada = await make_user("dept_contributor")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    await User.update({User.password_hash: weak}).where(User.id == ada["id"])
    await web_sign_in(client, ada)
    stored = await User.select(User.password_hash).where(User.id == ada["id"]).first()
    assert stored["password_hash"] != weak  # upgraded
    assert await signed_in(client)
