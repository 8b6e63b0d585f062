"""Signing in in a real browser: an assessor sets up two-factor when first asked (QR code, code,
recovery codes), then signs in with a code; single sign-on through a real OpenID Connect
provider, refused and accepted. axe-core on every page passed."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.accounts.oidc.provider import CLIENT_ID, CLIENT_SECRET, running_provider
from tests.accounts.two_factor_support import code, fresh_step
from tests.app_process import serving
from tests.browser.conftest import (
    CHROMIUM,
    ROOT,
    TEMPLATE_LOG,
    _free_port,
    assert_accessible,
    new_context,
)
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sso_server(run_dir: Path) -> Iterator[str]:
    """Charter as deployed with its defaults for two-factor, and single sign-on configured."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with running_provider(url) as issuer:
        env = {
            **os.environ,
            "CHARTER_BASE_URL": url,
            "CHARTER_ALLOWED_HOSTS": f"127.0.0.1:{port},127.0.0.1",
            "CHARTER_2FA_ROLES": "admin,lead_assessor,assessor",
            "CHARTER_TEMPLATE_LOG": str(run_dir / TEMPLATE_LOG),  # its pages count as visited
            "CHARTER_OIDC_ISSUER": issuer,
            "CHARTER_OIDC_CLIENT_ID": CLIENT_ID,
            "CHARTER_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        }
        command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        with serving(command, url, env, ROOT):
            yield url


async def sign_in_with_password(page: Page, email: str) -> None:
    await page.goto("/sign-in")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Charter")
    await assert_accessible(page)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in", exact=True).click()


async def test_an_assessor_sets_up_two_factor_then_signs_in_with_a_code(
    browser: Browser, sso_server: str
) -> None:
    fresh_step()
    assessor = await make_user("assessor", name="Ada Assessor")
    context = await new_context(browser, sso_server)
    page = await context.new_page()
    await sign_in_with_password(page, assessor["email"])
    await expect(page).to_have_url(f"{sso_server}/account/two-factor")
    await expect(page.get_by_text("Your role needs two-factor authentication")).to_be_visible()
    await assert_accessible(page)

    await page.get_by_role("button", name="Set up two-factor authentication").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Set up two-factor authentication"
    )
    await expect(
        page.get_by_alt_text("QR code to scan with your authenticator app")
    ).to_be_visible()
    await assert_accessible(page)
    secret = (await page.locator("#secret").inner_text()).replace(" ", "")
    await page.get_by_label("Code from the app").fill("000000")
    await page.get_by_role("button", name="Turn on two-factor authentication").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    await assert_accessible(page)
    await page.get_by_label("Code from the app").fill(code(secret, -1))
    await page.get_by_role("button", name="Turn on two-factor authentication").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Two-factor authentication is on"
    )
    await expect(page.locator("#recovery-codes li")).to_have_count(10)
    await assert_accessible(page)
    await page.get_by_role("button", name="Continue").click()
    await expect(page).to_have_url(f"{sso_server}/moderation/assigned")  # no longer held up
    await page.get_by_role("button", name="Sign out").click()

    await sign_in_with_password(page, assessor["email"])
    await expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    await assert_accessible(page)
    await page.get_by_label("Security code").fill("123456")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    await assert_accessible(page)
    await page.get_by_label("Security code").fill(code(secret))
    await page.get_by_role("button", name="Continue").click()
    await expect(page).to_have_url(f"{sso_server}/moderation/assigned")
    await page.get_by_role("link", name="Ada Assessor").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    await page.get_by_role("link", name="Two-factor authentication").click()
    await expect(
        page.get_by_text("Two-factor authentication is on for your account")
    ).to_be_visible()
    await assert_accessible(page)
    await context.close()


async def sign_in_at_the_provider(page: Page, email: str) -> None:
    await page.goto("/sign-in")
    await assert_accessible(page)
    await page.get_by_role("button", name="Sign in with your organisation's account").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Test identity provider")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_role("button", name="Sign in").click()


async def test_single_sign_on_in_the_browser(browser: Browser, sso_server: str) -> None:
    lead = await make_user("dept_lead", await make_organisation(), name="Lin Lead")
    context = await new_context(browser, sso_server)
    page = await context.new_page()
    await sign_in_at_the_provider(page, "nobody@example.gov.uk")
    await expect(page.get_by_role("heading", level=1)).to_have_text("You could not be signed in")
    await expect(page.locator("#reason")).to_contain_text("There is no account for nobody@")
    await assert_accessible(page)

    await page.get_by_role("link", name="Back to sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Charter")
    await context.close()

    # (Another browser: this one is still signed in at the provider as nobody@.)
    context = await new_context(browser, sso_server)
    page = await context.new_page()
    await sign_in_at_the_provider(page, lead["email"].upper())
    await expect(page.get_by_role("link", name="Lin Lead")).to_be_visible()
    await assert_accessible(page)
    await context.close()
