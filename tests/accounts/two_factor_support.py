"""Helpers for the two-factor tests: an app that asks for it, and codes computed from a secret."""

from __future__ import annotations

import dataclasses
import time

import pyotp
from httpx import AsyncClient
from litestar import Litestar

from app.main import create_app
from app.settings import DEFAULT_2FA_ROLES, Settings
from tests.accounts.support import page, post_form


def app_asking_roles(settings: Settings, roles: frozenset[str] = DEFAULT_2FA_ROLES) -> Litestar:
    """The app as deployed by default: these roles must set up two-factor."""
    return create_app(dataclasses.replace(settings, two_factor_roles=roles))


def fresh_step() -> None:
    """Wait, if need be, until a time step has at least 10 s left, so the codes a test computes
    for the steps around now stay the ones the app accepts while it runs."""
    left = 30 - time.time() % 30
    if left < 10:
        time.sleep(left + 0.2)


def code(secret: str, steps_from_now: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_from_now)


async def enrol_on_the_web(browser: AsyncClient) -> tuple[str, list[str]]:
    """Set up two-factor through the account pages, as a person would with their phone, using the
    previous step's code (so that the present and next steps remain for signing in). Returns the
    secret read off the page and the recovery codes shown."""
    started = await post_form(browser, "/account/two-factor/start")
    assert (started.status_code, started.headers["location"]) == (303, "/account/two-factor/set-up")
    set_up = await browser.get("/account/two-factor/set-up")
    secret = page(set_up).select_one("#secret").get_text(strip=True).replace(" ", "")
    done = await post_form(browser, "/account/two-factor/set-up", {"code": code(secret, -1)})
    assert done.status_code == 200, done.text
    codes = [c.get_text(strip=True) for c in page(done).select("#recovery-codes code")]
    return secret, codes
