"""Where you are signed in: the account page and GET /api/v1/auth/sessions list each live
session of yours (browser, signed in, last used, this one marked), and one of them can be signed
out on its own; sessions that no longer sign a browser in are not listed; nobody sees or ends
anyone else's."""

from __future__ import annotations

import datetime as dt
import json

from bs4 import BeautifulSoup
from httpx import AsyncClient
from litestar import Litestar
from litestar.middleware.session.server_side import ServerSideSessionBackend

from app.accounts.auth import SESSION_PASSWORD, SESSION_STARTED, SESSION_USER, password_stamp
from app.accounts.browser_sessions import browser_label
from app.accounts.session_store import DatabaseStore
from app.accounts.tables import SessionEntry
from app.audit.tables import AuditRecord
from tests.accounts.support import browser, page, post_form
from tests.factories import PASSWORD, bearer, csrf_token, make_user, web_sign_in

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


async def sign_in_as(client: AsyncClient, email: str, agent: str) -> None:
    client.headers["user-agent"] = agent
    answer = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text


async def signed_in(client: AsyncClient) -> bool:
    return (await client.get("/api/v1/auth/me")).status_code == 200


def table(html: str) -> list[list[str]]:
    """The "Where you are signed in" table's rows, each cell's text."""
    rows = BeautifulSoup(html, "html.parser").select("#signed-in + table tbody tr")
    return [[" ".join(c.get_text(" ").split()) for c in row.select("th, td")] for row in rows]


def test_browsers_are_named_plainly() -> None:
    assert browser_label(FIREFOX) == "Firefox on Windows"
    assert browser_label(CHROME) == "Chrome on Linux"
    assert browser_label(IPHONE) == "Mobile Safari on iOS"
    assert browser_label("python-httpx/0.28.1") == "Another program (python-httpx/0.28.1)"
    assert browser_label("") == "A browser that did not say which"
    assert browser_label(None) == "A browser (signed in before Charter recorded which)"


async def test_the_account_page_lists_each_browser_and_signs_one_out_alone(
    app: Litestar,
) -> None:
    ada = await make_user("dept_lead", email="ada@example.gov.uk")
    token = await bearer(ada)
    async with browser(app) as desk, browser(app) as laptop, browser(app) as phone:
        await sign_in_as(desk, "ada@example.gov.uk", FIREFOX)
        await sign_in_as(laptop, "ada@example.gov.uk", CHROME)
        await sign_in_as(phone, "ada@example.gov.uk", IPHONE)

        answer = await desk.get("/account")
        rows = table(answer.text)
        assert [r[0] for r in rows] == [
            "Firefox on Windows",
            "Mobile Safari on iOS",
            "Chrome on Linux",
        ]
        assert rows[0][3] == "This browser"
        assert all(r[3].startswith("Sign out") for r in rows[1:])
        # Each button says which browser it signs out, for screen readers.
        assert rows[2][3].startswith("Sign out Chrome on Linux, signed in ")

        forms = page(answer).select("#signed-in + table form")
        laptop_form = next(f for f in forms if "Chrome on Linux" in f.get_text())
        ended = await post_form(desk, laptop_form["action"])
        assert (ended.status_code, ended.headers["location"]) == (303, "/account?session=ended")
        banner = page(await desk.get("/account?session=ended")).select_one(
            ".govuk-notification-banner"
        )
        assert "That browser has been signed out" in banner.get_text(" ", strip=True)

        assert not await signed_in(laptop)
        assert await signed_in(desk) and await signed_in(phone)
        assert (await laptop.get("/api/v1/auth/me", headers=token)).status_code == 200
        assert [r[0] for r in table((await desk.get("/account")).text)] == [
            "Firefox on Windows",
            "Mobile Safari on iOS",
        ]
        [record] = await AuditRecord.select().where(AuditRecord.action == "user.session_end")
        assert record["object_id"] == str(ada["id"])
        assert json.loads(record["after"])["browser"] == "Chrome on Linux"

        # Without the CSRF token nothing ends.
        phone_id = next(
            f["action"] for f in page(await desk.get("/account")).select("#signed-in + table form")
        )
        refused = await desk.post(phone_id, data={})
        assert refused.status_code == 403 and await signed_in(phone)


async def test_the_api_lists_and_ends_sessions_and_refuses_others_and_this_one(
    app: Litestar, client: AsyncClient
) -> None:
    ada = await make_user("dept_contributor", email="ada@example.gov.uk")
    await make_user("assessor", email="grace@example.gov.uk")
    async with browser(app) as desk, browser(app) as laptop, browser(app) as hers:
        await sign_in_as(desk, "ada@example.gov.uk", FIREFOX)
        await sign_in_as(laptop, "ada@example.gov.uk", CHROME)
        await sign_in_as(hers, "grace@example.gov.uk", IPHONE)

        mine = (await desk.get("/api/v1/auth/sessions")).json()
        assert [(s["browser"], s["current"]) for s in mine] == [
            ("Firefox on Windows", True),
            ("Chrome on Linux", False),
        ]
        started = dt.datetime.fromisoformat(mine[1]["started_at"])
        last = dt.datetime.fromisoformat(mine[1]["last_active_at"])
        now = dt.datetime.now(dt.UTC)
        assert now - started < dt.timedelta(minutes=1) and now - last < dt.timedelta(minutes=2)
        assert all(len(s["id"]) == 64 for s in mine)
        assert laptop.cookies["charter_session"] not in {s["id"] for s in mine}  # never the id

        headers = {"x-csrf-token": await csrf_token(desk)}
        # Someone else's session is not found; neither is nonsense; this one is a conflict.
        grace_id = (await hers.get("/api/v1/auth/sessions")).json()[0]["id"]
        for other in (grace_id, "x" * 64, "nonsense"):
            answer = await desk.delete(f"/api/v1/auth/sessions/{other}", headers=headers)
            assert answer.status_code == 404, other
        assert await signed_in(hers)
        this = await desk.delete(f"/api/v1/auth/sessions/{mine[0]['id']}", headers=headers)
        assert this.status_code == 409 and "sign out" in this.json()["detail"]
        assert await signed_in(desk)

        ended = await desk.delete(f"/api/v1/auth/sessions/{mine[1]['id']}", headers=headers)
        assert ended.status_code == 200 and ended.json()["browser"] == "Chrome on Linux"
        assert not await signed_in(laptop) and await signed_in(desk)
        again = await desk.delete(f"/api/v1/auth/sessions/{mine[1]['id']}", headers=headers)
        assert again.status_code == 404

        # With an API token none is "current", and each can be ended.
        token = await bearer(ada)
        listed = (await client.get("/api/v1/auth/sessions", headers=token)).json()
        assert [(s["browser"], s["current"]) for s in listed] == [("Firefox on Windows", False)]
        gone = await client.delete(f"/api/v1/auth/sessions/{listed[0]['id']}", headers=token)
        assert gone.status_code == 200 and not await signed_in(desk)
        assert await signed_in(hers)


async def test_sessions_that_no_longer_sign_in_are_not_listed(app: Litestar) -> None:
    ada = await make_user("dept_contributor", email="ada@example.gov.uk")
    async with browser(app) as desk, browser(app) as laptop:
        await sign_in_as(desk, "ada@example.gov.uk", FIREFOX)
        await sign_in_as(laptop, "ada@example.gov.uk", CHROME)
        # Ending the others leaves the laptop's row until its next request: not listed.
        assert (await post_form(desk, "/account/sessions/end")).status_code == 303
        assert await SessionEntry.count() == 2
        listed = (await desk.get("/api/v1/auth/sessions")).json()
        assert [s["browser"] for s in listed] == ["Firefox on Windows"]

        # A session over the absolute time-out (12 hours) is not listed either; one stored by
        # the version before this one (no browser recorded) is, once it is stored again.
        old = {
            SESSION_USER: str(ada["id"]),
            SESSION_STARTED: (dt.datetime.now(dt.UTC) - dt.timedelta(hours=13)).isoformat(),
            SESSION_PASSWORD: password_stamp(ada["password_hash"]),
            "generation": 1,
        }
        store = DatabaseStore()
        await store.set("too-old", ServerSideSessionBackend.serialize_data(old), expires_in=600)
        older = {**old, SESSION_STARTED: dt.datetime.now(dt.UTC).isoformat()}
        await store.set("before", ServerSideSessionBackend.serialize_data(older), expires_in=600)
        listed = (await desk.get("/api/v1/auth/sessions")).json()
        assert sorted(s["browser"] for s in listed) == [
            "A browser (signed in before Charter recorded which)",
            "Firefox on Windows",
        ]


async def test_an_admin_sees_where_someone_is_signed_in(app: Litestar, client: AsyncClient) -> None:
    admin = await make_user("admin", email="admin@example.gov.uk")
    ada = await make_user("dept_lead", email="ada@example.gov.uk")
    async with browser(app) as desk, browser(app) as laptop:
        await sign_in_as(desk, "ada@example.gov.uk", FIREFOX)
        await sign_in_as(laptop, "ada@example.gov.uk", CHROME)
        await web_sign_in(client, admin)
        rows = table((await client.get(f"/admin/users/{ada['id']}")).text)
        assert sorted(r[0] for r in rows) == ["Chrome on Linux", "Firefox on Windows"]
        assert all(r[3] == "" for r in rows)  # no button for one browser: theirs to end
        listed = (await client.get(f"/api/v1/users/{ada['id']}/sessions")).json()
        assert sorted(s["browser"] for s in listed) == ["Chrome on Linux", "Firefox on Windows"]
        assert not any(s["current"] for s in listed)

        assert (
            await post_form(client, f"/admin/users/{ada['id']}/sessions/end")
        ).status_code == 303
        page_after = page(await client.get(f"/admin/users/{ada['id']}"))
        assert "They are not signed in anywhere." in page_after.get_text(" ")
        assert (await client.get(f"/api/v1/users/{ada['id']}/sessions")).json() == []

    lead = await bearer(await make_user("lead_assessor"))
    refused = await client.get(f"/api/v1/users/{ada['id']}/sessions", headers=lead)
    assert refused.status_code == 403
