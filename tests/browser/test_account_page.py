"""The account page in a real browser: reached from the name in the header, accessible, and its
"Sign out of other browsers" button signs out a second browser while this one stays in."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import assert_accessible, new_context, sign_in
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.browser


async def test_signing_out_of_other_browsers_from_the_account_page(
    browser: Browser, live_server: str
) -> None:
    org = await make_organisation(name="Department for Accounts")
    ada = await make_user("dept_lead", org, name="Ada Lovelace")
    desk = await new_context(browser, live_server)
    shared = await new_context(browser, live_server)
    await sign_in(desk, ada, PASSWORD)
    await sign_in(shared, ada, PASSWORD)

    page = await desk.new_page()
    await page.goto("/assessments")
    await page.get_by_role("link", name="Ada Lovelace").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    await expect(page.get_by_text("Department for Accounts")).to_be_visible()
    signed_in_here = page.locator("#signed-in + table tbody tr")
    await expect(signed_in_here).to_have_count(2)  # this browser and the shared one
    await expect(signed_in_here.first).to_contain_text("This browser")
    await expect(signed_in_here.nth(1).get_by_role("button")).to_contain_text("Sign out")
    await assert_accessible(page)

    await page.get_by_role("button", name="Sign out of other browsers").click()
    await expect(
        page.get_by_text("You have been signed out of every other browser")
    ).to_be_visible()
    await assert_accessible(page)
    await page.goto("/assessments")
    await expect(page).to_have_url(f"{live_server}/assessments")  # still signed in

    left = await shared.new_page()
    await left.goto("/assessments")
    await expect(left.get_by_role("heading", level=1)).to_have_text("Sign in to Charter")
    await expect(left.get_by_text("You have been signed out")).to_be_visible()
    await desk.close()
    await shared.close()
