"""Steps every journey shares: signing in through the form, clicking and checking each page."""

from __future__ import annotations

from typing import Any

from playwright.async_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD


async def sign_in_by_form(context: BrowserContext, user: dict[str, Any]) -> Page:
    """The only page opened by address: the sign-in form. The person lands on their dashboard."""
    page = await context.new_page()
    await page.goto("/sign-in")
    await assert_accessible(page)
    await page.get_by_label("Email address").fill(user["email"])
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator(".charter-account__name")).to_have_text(user["name"])
    await assert_accessible(page)
    return page


async def click(page: Page, target: Locator, heading: str) -> None:
    """Follow a link or press a button, see the page it leads to by its heading, check it."""
    await target.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    await assert_accessible(page)
