"""An administrator's job in a real browser, by clicking only after signing in: add an
organisation and a person who works for it, and find both listed. Every page axe-checked."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import new_context
from tests.browser.journeys import click, sign_in_by_form
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.browser


async def test_an_admin_adds_an_organisation_and_a_person(
    browser: Browser, live_server: str
) -> None:
    await make_organisation(slug="dft", name="Department for Transport")
    admin = await make_user("admin", name="Priya Raman")
    context = await new_context(browser, live_server)
    page = await sign_in_by_form(context, admin)

    await click(page, page.get_by_role("link", name="Organisations", exact=True), "Organisations")
    await click(page, page.get_by_role("button", name="Add an organisation"), "organisation")
    await page.get_by_label("Name").fill("Bridges and Tunnels Agency")
    await page.get_by_label("Slug").fill("bridges-tunnels")
    await page.get_by_label("Executive agency or arm's-length body").check()
    await page.get_by_role("combobox", name="Part of (optional)").fill("transport")
    await page.get_by_role("option", name="Department for Transport").click()
    await click(page, page.get_by_role("button", name="Add organisation"), "Organisations")
    await expect(page.get_by_role("link", name="Bridges and Tunnels Agency")).to_be_visible()

    await click(page, page.get_by_role("link", name="Users", exact=True), "Users")
    await click(page, page.get_by_role("button", name="Add a user"), "user")
    await page.get_by_label("Full name").fill("Morgan Keel")
    await page.get_by_label("Email address").fill("morgan.keel@bridges.example")
    await page.get_by_label("First password").fill("quay-lantern-harbour-rope")
    await page.get_by_label("Department lead").check()
    await page.get_by_label("Organisation").select_option(label="Bridges and Tunnels Agency")
    await page.get_by_role("button", name="Add user").click()
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await click(page, page.get_by_role("link", name="Users", exact=True), "Users")
    person = page.get_by_role("row").filter(has_text="morgan.keel@bridges.example")
    await expect(person).to_contain_text("Bridges and Tunnels Agency")
    await click(page, person.get_by_role("link", name="Morgan Keel"), "Morgan Keel")
    await context.close()
