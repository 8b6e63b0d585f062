"""Two-factor authentication: enrolment with a QR code, the code asked after the password and
before any session, each code used once, recovery codes, throttling and the admin's reset."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pyotp
import pytest
from httpx import AsyncClient
from litestar import Litestar

from app.accounts import throttle
from app.accounts.tables import RecoveryCode, User
from app.audit.tables import AuditRecord
from app.settings import Settings
from tests.accounts.support import (
    browser,
    error_summary,
    heading,
    page,
    post_form,
    sign_in_with_form,
    stored_session_count,
)
from tests.accounts.two_factor_support import app_asking_roles, code, enrol_on_the_web, fresh_step
from tests.command import charter
from tests.factories import PASSWORD, bearer, csrf_token, make_organisation, make_user


@pytest.fixture(scope="module")
def app_2fa(settings: Settings) -> Litestar:
    return app_asking_roles(settings)


@pytest.fixture
async def person(app_2fa: Litestar) -> AsyncIterator[AsyncClient]:
    async with browser(app_2fa) as b:
        yield b


async def test_enrolment_shows_a_qr_code_and_ten_recovery_codes_once(person: AsyncClient) -> None:
    fresh_step()
    assessor = await make_user("assessor")
    assert (await sign_in_with_form(person, assessor["email"])).status_code == 303
    status = await person.get("/account/two-factor")
    assert heading(status) == "Two-factor authentication"
    assert "Your role needs two-factor authentication" in status.text
    await post_form(person, "/account/two-factor/start")
    set_up = await person.get("/account/two-factor/set-up")
    qr = page(set_up).select_one("img")
    assert qr["src"].startswith("data:image/svg+xml") and "QR code" in qr["alt"]

    wrong = await post_form(person, "/account/two-factor/set-up", {"code": "000000"})
    assert wrong.status_code == 400 and error_summary(wrong)[0].startswith(
        "The code is not correct"
    )

    secret, codes = await enrol_on_the_web(person)
    assert len(codes) == len(set(codes)) == 10
    stored = await RecoveryCode.select(RecoveryCode.code_hash).where(
        RecoveryCode.user == assessor["id"]
    )
    assert len(stored) == 10 and not {r["code_hash"] for r in stored} & set(codes)
    row = await User.select(User.totp_secret).where(User.id == assessor["id"]).first()
    assert row["totp_secret"] == secret
    assert (await person.get("/assessments")).status_code == 200  # no longer held up
    again = await person.get("/account/two-factor")
    assert (
        "Two-factor authentication is on" in again.text and "10 unused recovery codes" in again.text
    )
    assert not set(codes) & set(again.text.split())  # shown once only


async def test_sign_in_asks_for_the_code_before_any_session_and_refuses_a_used_one(
    app_2fa: Litestar, person: AsyncClient
) -> None:
    fresh_step()
    lead = await make_user("lead_assessor")
    await sign_in_with_form(person, lead["email"])
    secret, _ = await enrol_on_the_web(person)
    await post_form(person, "/sign-out")
    sessions_before = await stored_session_count()

    async with browser(app_2fa) as b:
        first = await sign_in_with_form(b, lead["email"], next="/assessments")
        assert (first.status_code, first.headers["location"]) == (303, "/sign-in/code")
        assert "charter_session" not in first.cookies
        assert await stored_session_count() == sessions_before
        assert (await b.get("/assessments")).status_code in (302, 303)  # not signed in yet
        asked = await b.get("/sign-in/code")
        assert heading(asked) == "Enter your security code"
        wrong = await post_form(b, "/sign-in/code", {"code": "123456"})
        assert wrong.status_code == 400 and "The code is not correct" in error_summary(wrong)[0]
        now = code(secret)
        right = await post_form(b, "/sign-in/code", {"code": now})
        assert (right.status_code, right.headers["location"]) == (303, "/assessments")
        assert (await b.get("/assessments")).status_code == 200

    async with browser(app_2fa) as thief:  # the same code, seen over a shoulder, moments later
        await sign_in_with_form(thief, lead["email"])
        replayed = await post_form(thief, "/sign-in/code", {"code": now})
        assert replayed.status_code == 400
        later = await post_form(thief, "/sign-in/code", {"code": code(secret, 1)})
        assert later.status_code == 303
    how = (
        await AuditRecord.select(AuditRecord.after)
        .where(AuditRecord.action == "user.sign_in")
        .order_by(AuditRecord.id, ascending=False)
        .first()
    )
    assert json.loads(how["after"]) == {"method": "password", "second_factor": "totp"}


async def test_a_recovery_code_signs_in_once(app_2fa: Litestar, person: AsyncClient) -> None:
    fresh_step()
    admin = await make_user("admin")
    await sign_in_with_form(person, admin["email"])
    _, codes = await enrol_on_the_web(person)
    for attempt, expected in ((1, 303), (2, 400)):
        async with browser(app_2fa) as b:
            await sign_in_with_form(b, admin["email"])
            answer = await post_form(b, "/sign-in/code", {"code": codes[3].upper()})
            assert answer.status_code == expected, attempt
    status = await person.get("/account/two-factor")
    assert "9 unused recovery codes" in status.text


async def test_wrong_codes_count_towards_the_sign_in_throttle(
    app_2fa: Litestar, person: AsyncClient
) -> None:
    fresh_step()
    assessor = await make_user("assessor")
    await sign_in_with_form(person, assessor["email"])
    secret, _ = await enrol_on_the_web(person)
    async with browser(app_2fa) as b:
        await sign_in_with_form(b, assessor["email"])
        for _ in range(throttle.PER_ACCOUNT):
            assert (await post_form(b, "/sign-in/code", {"code": "999999"})).status_code == 400
        locked = await post_form(b, "/sign-in/code", {"code": code(secret)})
        assert locked.status_code == 429
        assert error_summary(locked) == [throttle.MESSAGE]
    # A right password does not forgive the wrong codes either.
    async with browser(app_2fa) as b:
        assert (await sign_in_with_form(b, assessor["email"])).status_code == 429


@pytest.mark.parametrize("role", ["admin", "lead_assessor", "assessor"])
async def test_each_listed_role_must_enrol_before_anything_else(
    app_2fa: Litestar, person: AsyncClient, role: str
) -> None:
    user = await make_user(role)
    token = await bearer(user)
    await sign_in_with_form(person, user["email"])
    for path in ("/", "/assessments", "/account", "/admin/users"):
        answer = await person.get(path)
        assert (answer.status_code, answer.headers.get("location")) == (303, "/account/two-factor")
    me = await person.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["user"]["two_factor_enrolment_required"] is True
    headers = {"x-csrf-token": await csrf_token(person)}
    for method, path in (("GET", "/api/v1/assessments"), ("POST", "/api/v1/auth/tokens")):
        refused = await person.request(method, path, headers=headers, json={})
        assert refused.status_code == 403, path
        assert refused.json()["two_factor_enrolment_required"] is True
    started = await person.post("/api/v1/auth/two-factor", headers=headers)
    assert started.status_code == 201
    body = started.json()
    assert (
        body["otpauth_uri"].startswith("otpauth://totp/") and body["secret"] in body["otpauth_uri"]
    )
    async with browser(app_2fa) as script:  # an API token is never held up
        assert (await script.get("/api/v1/assessments", headers=token)).status_code == 200
    confirmed = await person.post(
        "/api/v1/auth/two-factor/confirm",
        headers=headers,
        json={"code": pyotp.TOTP(body["secret"]).now()},
    )
    assert confirmed.status_code == 200 and len(confirmed.json()["recovery_codes"]) == 10
    assert (await person.get("/assessments")).status_code == 200


async def test_roles_not_listed_are_not_asked(app_2fa: Litestar, person: AsyncClient) -> None:
    lead = await make_user("dept_lead", await make_organisation())
    await sign_in_with_form(person, lead["email"])
    assert (await person.get("/assessments")).status_code == 200
    assert "not set up" in (await person.get("/account")).text  # but may choose to


async def test_api_login_asks_for_the_code(app_2fa: Litestar, person: AsyncClient) -> None:
    fresh_step()
    admin = await make_user("admin")
    await sign_in_with_form(person, admin["email"])
    secret, _ = await enrol_on_the_web(person)
    async with browser(app_2fa) as script:
        creds = {"email": admin["email"], "password": PASSWORD}
        asked = await script.post("/api/v1/auth/login", json=creds)
        assert asked.status_code == 401 and asked.json()["two_factor_required"] is True
        assert "charter_session" not in asked.cookies
        wrong = await script.post("/api/v1/auth/login", json={**creds, "code": "000000"})
        assert wrong.status_code == 401 and wrong.json()["two_factor_required"] is True
        right = await script.post("/api/v1/auth/login", json={**creds, "code": code(secret)})
        assert right.status_code == 200 and right.json()["user"]["two_factor"] is True
        assert (await script.get("/api/v1/assessments")).status_code == 200


async def test_an_admin_resets_someones_second_factor(
    app_2fa: Litestar, person: AsyncClient
) -> None:
    fresh_step()
    assessor = await make_user("assessor", name="Ada Assessor")
    await sign_in_with_form(person, assessor["email"])
    await enrol_on_the_web(person)
    async with browser(app_2fa) as admin_browser:
        admin = await make_user("admin")
        await sign_in_with_form(admin_browser, admin["email"])
        await enrol_on_the_web(admin_browser)
        users = page(await admin_browser.get("/admin/users"))
        ada = next(r for r in users.select("tbody tr") if "Ada Assessor" in r.get_text())
        assert "On" in [td.get_text(strip=True) for td in ada.select("td")]
        shown = await admin_browser.get(f"/admin/users/{assessor['id']}")
        assert "Reset two-factor authentication" in shown.text
        reset = await post_form(admin_browser, f"/admin/users/{assessor['id']}/two-factor/reset")
        assert reset.status_code == 303
        done = await admin_browser.get(reset.headers["location"])
        assert "two-factor authentication has been reset" in done.text
    assert await RecoveryCode.count().where(RecoveryCode.user == assessor["id"]) == 0
    record = await AuditRecord.select().where(AuditRecord.action == "user.two_factor_reset").first()
    assert record["actor_label"] == admin["email"] and record["object_id"] == str(assessor["id"])
    async with browser(app_2fa) as b:  # the password alone, then set it up again
        signed_in = await sign_in_with_form(b, assessor["email"])
        assert signed_in.headers["location"] == "/"
        assert (await b.get("/")).headers["location"] == "/account/two-factor"


async def test_the_api_resets_a_second_factor_for_admins_only(app_2fa: Litestar) -> None:
    assessor = await make_user("assessor")
    await User.update({User.totp_secret: pyotp.random_base32()}).where(User.id == assessor["id"])
    async with browser(app_2fa) as script:
        other = await make_user("lead_assessor")
        path = f"/api/v1/users/{assessor['id']}/two-factor"
        assert (await script.delete(path, headers=await bearer(other))).status_code == 403
        admin = await make_user("admin")
        answer = await script.delete(path, headers=await bearer(admin))
        assert answer.status_code == 200 and answer.json() == {"two_factor": False}
    row = await User.select(User.totp_secret).where(User.id == assessor["id"]).first()
    assert row["totp_secret"] is None


async def test_the_command_line_resets_a_locked_out_admins_second_factor() -> None:
    admin = await make_user("admin")
    await User.update(
        {User.totp_secret: pyotp.random_base32(), User.totp_enabled_at: User.created_at}
    ).where(User.id == admin["id"])
    done = charter("users", "reset-two-factor", "--email", admin["email"].upper())
    assert done.returncode == 0, done.stderr
    assert "Two-factor authentication is reset" in done.stdout
    row = await User.select(User.totp_enabled_at).where(User.id == admin["id"]).first()
    assert row["totp_enabled_at"] is None
    unknown = charter("users", "reset-two-factor", "--email", "nobody@example.gov.uk")
    assert unknown.returncode != 0 and "nobody@example.gov.uk" in unknown.stderr


async def test_setting_up_again_replaces_the_app_and_the_recovery_codes(
    app_2fa: Litestar, person: AsyncClient
) -> None:
    fresh_step()
    lead = await make_user("lead_assessor")
    await sign_in_with_form(person, lead["email"])
    old_secret, old_codes = await enrol_on_the_web(person)
    await post_form(person, "/account/two-factor/start")  # begun, not confirmed: the old one holds
    row = await User.select(User.totp_secret).where(User.id == lead["id"]).first()
    assert row["totp_secret"] == old_secret
    new_secret, new_codes = await enrol_on_the_web(person)
    assert new_secret != old_secret and not set(new_codes) & set(old_codes)
    async with browser(app_2fa) as b:
        await sign_in_with_form(b, lead["email"])
        assert (await post_form(b, "/sign-in/code", {"code": old_codes[0]})).status_code == 400
        assert (await post_form(b, "/sign-in/code", {"code": new_codes[0]})).status_code == 303
    record = (
        await AuditRecord.select(AuditRecord.after)
        .where(AuditRecord.action == "user.two_factor_enrol")
        .order_by(AuditRecord.id, ascending=False)
        .first()
    )
    assert json.loads(record["after"]) == {"re_enrolled": True}
