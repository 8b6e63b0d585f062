"""An administrator renames an agency and moves it to another department in a real browser:
the list's search, the organisation's page, its error summary and the banner, each checked by
axe-core."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import assert_accessible, new_context, sign_in
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.browser


async def test_an_admin_finds_and_changes_an_organisation(
    browser: Browser, live_server: str
) -> None:
    await make_organisation(slug="dwp", name="Department for Work and Pensions")
    await make_organisation(slug="dfe", name="Department for Education")
    await make_organisation(slug="csa", name="Child Support Agency", kind="agency")
    admin = await make_user("admin")
    context = await new_context(browser, live_server)
    await sign_in(context, admin, PASSWORD)
    page = await context.new_page()

    await page.goto("/admin/organisations")
    await page.get_by_label("Find an organisation").fill("support")
    await page.get_by_label("Find an organisation").press("Enter")
    await expect(page.get_by_text("1 organisation matches “support”.")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="Child Support Agency").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Child Support Agency")
    await assert_accessible(page)

    await page.get_by_label("Name").fill("")
    await page.get_by_label("Part of (optional)").select_option("dwp")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the organisation's name"
    )
    await expect(page.get_by_label("Part of (optional)")).to_have_value("dwp")
    await assert_accessible(page)

    await page.get_by_label("Name").fill("Child Maintenance Service")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Changes to Child Maintenance Service saved."
    )
    row = page.locator("tbody tr", has_text="Child Maintenance Service")
    await expect(row).to_contain_text("dwp")
    await assert_accessible(page)
    await context.close()
