"""Single sign-on through a real OpenID Connect provider (oidc-provider from npm, run locally):
who may sign in, and every way a callback is refused without starting a session."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pyotp
import pytest
from httpx import AsyncClient, Response
from litestar import Litestar

from app.accounts import oidc, signed
from app.accounts.oidc_pages import STATE_COOKIE
from app.accounts.service import DEACTIVATED, NO_ACCOUNT
from app.accounts.tables import User
from app.audit.tables import AuditRecord
from app.settings import DEFAULT_2FA_ROLES, Settings
from tests.accounts.oidc.provider import (
    charter_for,
    free_port,
    running_provider,
    sign_in_at_provider,
)
from tests.accounts.support import (
    browser,
    page,
    post_form,
    sign_in_with_form,
    stored_session_count,
)
from tests.factories import make_organisation, make_user


@pytest.fixture(scope="module")
def issuer(settings: Settings) -> Iterator[str]:
    with running_provider(settings.base_url) as url:
        yield url


@pytest.fixture(scope="module")
def charter(settings: Settings, issuer: str) -> Litestar:
    return charter_for(settings, issuer)


@pytest.fixture
async def person(charter: Litestar) -> AsyncIterator[AsyncClient]:
    async with browser(charter) as b:
        yield b


async def go_to_provider(person: AsyncClient, next: str = "") -> str:
    start = await person.get("/auth/oidc/login" + (f"?{urlencode({'next': next})}" if next else ""))
    assert start.status_code == 303, start.text
    return start.headers["location"]


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def sso(person: AsyncClient, email: str, verified: bool = True, amr: str = "pwd") -> Response:
    back = await sign_in_at_provider(await go_to_provider(person), email, verified, amr)
    return await person.get(local(back))


def reason(answer: Response) -> str:
    return page(answer).select_one("#reason").get_text(" ", strip=True)


async def test_a_person_signs_in_with_their_organisations_account(
    charter: Litestar, person: AsyncClient, settings: Settings
) -> None:
    lead = await make_user("dept_lead", await make_organisation(), email="ada@example.gov.uk")
    offered = page(await person.get("/sign-in"))
    assert offered.select_one("a[href='/auth/oidc/login']").get_text(strip=True) == (
        "Sign in with your organisation's account"
    )
    to_provider = await go_to_provider(person, next="/account")
    query = parse_qs(urlsplit(to_provider).query)
    assert query["scope"] == ["openid email profile"] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [settings.base_url + "/auth/oidc/callback"]
    assert {"state", "nonce", "code_challenge"} <= set(query)
    back = await sign_in_at_provider(to_provider, "Ada@Example.GOV.uk")  # any case
    planted = "planted-by-an-attacker-0123456789abcdef"
    person.cookies.set("charter_session", planted, domain="testserver.local")
    landed = await person.get(local(back))
    assert (landed.status_code, landed.headers["location"]) == (303, "/account")
    assert landed.cookies["charter_session"] not in ("", planted)  # a new id, as for passwords
    me = (await person.get("/api/v1/auth/me")).json()["user"]
    assert me["email"] == "ada@example.gov.uk"
    record = await AuditRecord.select().where(AuditRecord.action == "user.sign_in").first()
    assert record["object_id"] == str(lead["id"]) and json.loads(record["after"]) == {
        "method": "oidc"
    }


async def test_a_wrong_state_starts_no_session(person: AsyncClient) -> None:
    await make_user("assessor", email="grace@example.gov.uk")
    back = await sign_in_at_provider(await go_to_provider(person), "grace@example.gov.uk")
    parts = urlsplit(back)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["state"] = "forged-" + query["state"]
    sessions = await stored_session_count()
    answer = await person.get(f"{parts.path}?{urlencode(query)}")
    assert answer.status_code == 403 and reason(answer) == oidc.STALE
    assert await stored_session_count() == sessions
    assert (await person.get("/api/v1/auth/me")).status_code == 401


async def test_a_callback_used_twice_starts_no_second_session(
    charter: Litestar, person: AsyncClient
) -> None:
    await make_user("assessor", email="grace@example.gov.uk")
    back = await sign_in_at_provider(await go_to_provider(person), "grace@example.gov.uk")
    state_cookie = person.cookies[STATE_COOKIE]
    assert (await person.get(local(back))).status_code == 303
    again = await person.get(local(back))  # the same browser: its state is spent
    assert again.status_code == 403 and reason(again) == oidc.STALE
    async with browser(charter) as thief:  # with the state cookie copied: the code is spent
        thief.cookies.set(STATE_COOKIE, state_cookie)
        stolen = await thief.get(local(back))
        assert stolen.status_code == 403 and reason(stolen) == oidc.STALE
        assert (await thief.get("/api/v1/auth/me")).status_code == 401


async def test_an_id_token_for_another_nonce_is_refused(
    settings: Settings, person: AsyncClient
) -> None:
    await make_user("assessor", email="grace@example.gov.uk")
    back = await sign_in_at_provider(await go_to_provider(person), "grace@example.gov.uk")
    saved = signed.unsign(settings.secret_key, STATE_COOKIE, person.cookies[STATE_COOKIE])
    assert saved is not None
    saved.pop("exp")
    person.cookies.clear()
    # Everything the browser brought back is right but the nonce the ID token must carry.
    forged = signed.sign(settings.secret_key, STATE_COOKIE, {**saved, "nonce": "another"}, 600)
    person.cookies.set(STATE_COOKIE, forged)
    answer = await person.get(local(back))
    assert answer.status_code == 403 and reason(answer) == oidc.STALE
    assert (await person.get("/api/v1/auth/me")).status_code == 401


async def test_an_expired_id_token_is_refused(settings: Settings) -> None:
    await make_user("assessor", email="grace@example.gov.uk")
    # A provider whose clock is 15 minutes slow issues ID tokens (5 minutes long) already expired.
    with running_provider(settings.base_url, clock_offset=-900) as slow_issuer:
        async with browser(charter_for(settings, slow_issuer)) as person:
            answer = await sso(person, "grace@example.gov.uk")
            assert answer.status_code == 403 and reason(answer) == oidc.STALE
            assert (await person.get("/api/v1/auth/me")).status_code == 401


@pytest.mark.parametrize(
    ("email", "active", "verified", "expected"),
    [
        ("unverified@example.gov.uk", True, False, oidc.NOT_VERIFIED),
        ("stranger@example.gov.uk", None, True, NO_ACCOUNT.format(email="stranger@example.gov.uk")),
        ("gone@example.gov.uk", False, True, DEACTIVATED.format(email="gone@example.gov.uk")),
    ],
)
async def test_refusals_say_why_and_create_nothing(
    person: AsyncClient, email: str, active: bool | None, verified: bool, expected: str
) -> None:
    if active is not None:
        await make_user("assessor", email=email, active=active)
    users = await User.count()
    answer = await sso(person, email, verified=verified)
    assert answer.status_code == 403
    assert page(answer).select_one("h1").get_text(strip=True) == "You could not be signed in"
    assert reason(answer) == expected
    assert await User.count() == users
    assert (await person.get("/api/v1/auth/me")).status_code == 401


async def test_charters_second_factor_is_skipped_only_when_the_provider_used_one(
    settings: Settings, issuer: str
) -> None:
    app = charter_for(settings, issuer, two_factor_roles=DEFAULT_2FA_ROLES)
    secret = pyotp.random_base32()
    await make_user("assessor", email="grace@example.gov.uk")
    await User.update({User.totp_secret: secret, User.totp_enabled_at: User.created_at}).where(
        User.email == "grace@example.gov.uk"
    )
    async with browser(app) as person:
        asked = await sso(person, "grace@example.gov.uk", amr="pwd")
        assert (asked.status_code, asked.headers["location"]) == (303, "/sign-in/code")
        assert (await person.get("/api/v1/auth/me")).status_code == 401
        done = await post_form(person, "/sign-in/code", {"code": pyotp.TOTP(secret).now()})
        assert done.status_code == 303
        assert (await person.get("/api/v1/auth/me")).status_code == 200
    async with browser(app) as person:
        direct = await sso(person, "grace@example.gov.uk", amr="pwd,mfa")
        assert (direct.status_code, direct.headers["location"]) == (303, "/")
        assert (await person.get("/api/v1/auth/me")).status_code == 200
    hows = await AuditRecord.select(AuditRecord.after).where(AuditRecord.action == "user.sign_in")
    assert sorted(json.loads(h["after"])["second_factor"] for h in hows) == ["provider", "totp"]


async def test_client_secret_post_when_the_provider_offers_only_that(settings: Settings) -> None:
    """(This provider also puts the email in the ID token, where the others leave it to userinfo.)"""
    await make_user("assessor", email="grace@example.gov.uk")
    with running_provider(
        settings.base_url, auth_method="client_secret_post", email_in_id_token=True
    ) as post_issuer:
        async with browser(charter_for(settings, post_issuer)) as person:
            assert (await sso(person, "grace@example.gov.uk")).status_code == 303
            assert (await person.get("/api/v1/auth/me")).status_code == 200


async def test_password_sign_in_for_admins_only(settings: Settings, issuer: str) -> None:
    app = charter_for(settings, issuer, password_sign_in="admins_only")
    assessor = await make_user("assessor")
    admin = await make_user("admin")
    async with browser(app) as person:
        refused = await sign_in_with_form(person, assessor["email"])
        assert refused.status_code == 403
        assert "password sign-in is for administrators only" in refused.text
        assert (await person.get("/api/v1/auth/me")).status_code == 401
    async with browser(app) as person:
        assert (await sign_in_with_form(person, admin["email"])).status_code == 303


async def test_without_a_provider_there_is_no_single_sign_on(client: AsyncClient) -> None:
    assert page(await client.get("/sign-in")).select_one("a[href^='/auth/oidc']") is None
    assert (await client.get("/auth/oidc/login")).status_code == 404
    assert (await client.get("/auth/oidc/callback?code=x&state=y")).status_code == 404


async def test_an_unreachable_provider_is_a_page_that_says_so(settings: Settings) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    async with browser(charter_for(settings, closed)) as person:
        answer = await person.get("/auth/oidc/login")
        assert answer.status_code == 503 and reason(answer) == oidc.UNREACHABLE
