"""/schema, the API reference, in a real browser: it renders (no script blocked by the CSP, no
console error) and passes axe-core's WCAG 2.2 AA checks."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import assert_accessible, new_context

pytestmark = pytest.mark.browser


async def test_api_reference_renders_and_is_accessible(browser: Browser, live_server: str) -> None:
    context = await new_context(browser, live_server)
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    await page.goto("/schema")
    await expect(page.get_by_role("heading", level=1)).to_have_text("API reference")
    await page.get_by_role("link", name="Assessments").first.click()
    save = page.get_by_role(
        "heading", name="PUT /api/v1/assessments/{assessment_id}/responses/{code}"
    )
    await expect(save).to_be_visible()
    await assert_accessible(page)
    assert problems == []
    await context.close()
