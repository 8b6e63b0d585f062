"""An administrator renames an agency and moves it to another department in a real browser:
the list's search, the organisation's page with its autocomplete for the parent, its error
summary and the banner, each checked by axe-core."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from app.organisations.tables import Organisation
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

    # The list of organisations it may be part of is GOV.UK's accessible autocomplete.
    await page.get_by_label("Name").fill("")
    part_of = page.get_by_role("combobox", name="Part of (optional)")
    await part_of.fill("work")
    await page.get_by_role("option", name="Department for Work and Pensions").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the organisation's name"
    )
    await expect(part_of).to_have_value("Department for Work and Pensions")
    await assert_accessible(page)

    await page.get_by_label("Name").fill("Child Maintenance Service")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Changes to Child Maintenance Service saved."
    )
    row = page.locator("tbody tr", has_text="Child Maintenance Service")
    await expect(row).to_contain_text("dwp")
    await assert_accessible(page)

    # Emptying the box means it is part of nothing (the component alone would keep the old one).
    await page.get_by_role("link", name="Child Maintenance Service").click()
    await expect(part_of).to_have_value("Department for Work and Pensions")
    await part_of.fill("")
    await page.get_by_role("heading", level=1).click()  # away from the box, as a person would
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.locator(".govuk-notification-banner")).to_be_visible()
    await expect(row.locator("td").last).to_have_text("")  # "Part of": nothing

    # The add form has the same autocomplete.
    await page.get_by_role("button", name="Add an organisation").click()
    await page.get_by_label("Name").fill("Jobcentre Plus")
    await page.get_by_label("Slug").fill("jobcentre-plus")
    await page.get_by_label("Executive agency or arm's-length body").check()
    await page.get_by_role("combobox", name="Part of (optional)").fill("pensions")
    await page.get_by_role("option", name="Department for Work and Pensions").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Add organisation").click()
    added = page.locator("tbody tr", has_text="Jobcentre Plus")
    await expect(added.locator("td").last).to_have_text("dwp")
    await context.close()


async def test_past_the_first_thousand_the_autocomplete_asks_the_api(
    browser: Browser, live_server: str
) -> None:
    await Organisation.insert(
        *[Organisation(slug=f"council-{n:04}", name=f"Council {n:04}") for n in range(1000)]
    )
    await make_organisation(slug="zz-department", name="Zzz Department")
    await make_organisation(slug="aa-agency", name="Aaa Agency", kind="agency")
    context = await new_context(browser, live_server)
    await sign_in(context, await make_user("admin"), PASSWORD)
    page = await context.new_page()

    await page.goto("/admin/organisations/aa-agency")
    # Not among the 1,000 the page lists: found through GET /api/v1/organisations?q=.
    assert await page.locator("select#parent-select option[value=zz-department]").count() == 0
    part_of = page.get_by_role("combobox", name="Part of (optional)")
    await part_of.fill("zzz dep")
    await page.get_by_role("option", name="Zzz Department").click()
    await page.get_by_role("button", name="Save changes").click()
    row = page.locator("tbody tr", has_text="Aaa Agency")
    await expect(row.locator("td").last).to_have_text("zz-department")

    # The page itself is never offered, nor is anything when nothing matches.
    await page.get_by_role("link", name="Aaa Agency").click()
    await expect(part_of).to_have_value("Zzz Department")
    await part_of.fill("aaa agency")
    await expect(page.get_by_text("No organisation has that name")).to_be_visible()
    await context.close()
