"""A department lead's housekeeping by clicking only after signing in: an API token for a script,
shown once, and an evidence item that was never linked, deleted after a warning. axe-core on
every page passed."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import new_context
from tests.browser.journeys import click, sign_in_by_form
from tests.evidence import samples
from tests.factories import bearer, make_organisation, make_user

pytestmark = pytest.mark.browser


async def test_a_lead_creates_an_api_token_and_deletes_unused_evidence(
    browser: Browser, live_server: str, client: httpx.AsyncClient
) -> None:
    org = await make_organisation(slug="tidy-dept", name="Department of Tidiness")
    lead = await make_user("dept_lead", org, name="Tess Tidy")
    uploaded = await client.post(
        "/api/v1/evidence",
        data={"organisation": "tidy-dept", "title": "Draft poster, never used"},
        files={"file": ("poster.pdf", samples.pdf("A poster"), "application/pdf")},
        headers=await bearer(lead),
    )
    assert uploaded.status_code == 201, uploaded.text

    context = await new_context(browser, live_server)
    page = await sign_in_by_form(context, lead)
    await click(page, page.get_by_role("link", name="API tokens", exact=True), "API tokens")
    await page.get_by_label("Token name").fill("Nightly export")
    await click(page, page.get_by_role("button", name="Create token"), "Token created")
    await expect(page.locator("main")).to_contain_text("Nightly export")

    await click(page, page.get_by_role("link", name="Evidence", exact=True), "vidence")
    await click(
        page, page.get_by_role("link", name="Draft poster, never used", exact=True), "Draft poster"
    )
    await click(page, page.get_by_role("button", name="Delete"), "Are you sure")
    await page.get_by_role("button", name="Yes, delete it").click()
    await expect(page.locator("main")).not_to_contain_text("Draft poster, never used")
    gone = await client.get(f"/api/v1/evidence/{uploaded.json()['id']}", headers=await bearer(lead))
    assert gone.status_code == 404
    await context.close()
