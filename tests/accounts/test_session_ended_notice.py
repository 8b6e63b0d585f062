"""Someone whose session ended (idle, too old, or their password changed elsewhere) is sent to
sign-in with a banner that says what happened and why; a first visit or a deliberate sign-out
shows no such banner. Signing in again leads back to the page they asked for."""

from __future__ import annotations

from httpx import AsyncClient, Response
from litestar import Litestar

from app.accounts.session_store import DatabaseStore
from tests.accounts.support import browser, page, post_form, stored_session_count
from tests.factories import PASSWORD, make_user, web_sign_in

ENDED = "You have been signed out"


def banner(response: Response) -> str:
    found = page(response).select_one(".govuk-notification-banner")
    return " ".join(found.get_text(" ").split()) if found else ""


async def follow_to_sign_in(client: AsyncClient, path: str) -> Response:
    redirect = await client.get(path)
    assert redirect.status_code == 302, redirect.text[:200]
    return await client.get(redirect.headers["location"])


async def test_a_session_ended_by_a_password_change_elsewhere_says_so(
    app: Litestar,
) -> None:
    ada = await make_user("dept_contributor")
    async with browser(app) as laptop, browser(app) as other:
        await web_sign_in(laptop, ada)
        await web_sign_in(other, ada)
        new = "copper kettle harbour lantern"
        changed = await post_form(
            laptop, "/account/password", {"current_password": PASSWORD, "new_password": new}
        )
        assert changed.status_code == 303

        redirect = await other.get("/assessments?page=2")
        assert redirect.headers["location"] == "/sign-in?next=/assessments%3Fpage%3D2&ended=yes"
        sign_in = await other.get(redirect.headers["location"])
        text = banner(sign_in)
        assert ENDED in text
        assert "30 minutes without activity, 12 hours after you signed in" in text
        assert "when your password is changed" in text
        assert page(sign_in).select_one("input[name=next]")["value"] == "/assessments?page=2"

        # Once the cookie is gone, further visits are plain sign-ins.
        assert banner(await follow_to_sign_in(other, "/assessments")) == ""


async def test_an_idle_session_whose_row_expired_says_so_once(app: Litestar) -> None:
    ada = await make_user("dept_contributor")
    async with browser(app) as idle:
        await web_sign_in(idle, ada)
        # What the idle time-out leaves behind: a cookie whose stored session is gone.
        await DatabaseStore().delete(idle.cookies["charter_session"])
        assert await stored_session_count() == 0
        assert ENDED in banner(await follow_to_sign_in(idle, "/assessments"))
        assert banner(await follow_to_sign_in(idle, "/assessments")) == ""


async def test_a_first_visit_and_a_sign_out_show_no_banner(app: Litestar) -> None:
    ada = await make_user("dept_contributor")
    async with browser(app) as visitor:
        assert banner(await follow_to_sign_in(visitor, "/assessments")) == ""
        await web_sign_in(visitor, ada)
        signed_out = await post_form(visitor, "/sign-out")
        assert signed_out.headers["location"] == "/sign-in"
        # The cookie is cleared with Max-Age=0 (a browser heeds Max-Age over Expires).
        assert "Max-Age=0" in signed_out.headers["set-cookie"]
        assert "charter_session" not in visitor.cookies
        assert banner(await visitor.get("/sign-in")) == ""
        assert banner(await follow_to_sign_in(visitor, "/assessments")) == ""


async def test_the_banner_cannot_be_used_to_inject_text(client: AsyncClient) -> None:
    """Only `ended=yes` shows it, and it carries no text from the address."""
    odd = await client.get("/sign-in", params={"ended": "<b>hello</b>"})
    assert odd.status_code == 200 and banner(odd) == "" and "<b>hello" not in odd.text
    assert ENDED in banner(await client.get("/sign-in", params={"ended": "yes"}))
