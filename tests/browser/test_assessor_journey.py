"""An assessor's job in a real browser, by clicking only after signing in: from their dashboard
to an assigned assessment, a changed score with its rationale, and the assessment
returned with a reason; then another assigned one moderated to the end. Every page axe-checked."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from app.assessments.tables import Assessment
from tests.assessments.support import CODES, small_framework
from tests.browser.conftest import new_context
from tests.browser.journeys import click, sign_in_by_form
from tests.factories import make_assessment, make_organisation, make_user

pytestmark = pytest.mark.browser


async def test_an_assessor_moderates_returns_one_and_completes_another(
    browser: Browser, live_server: str
) -> None:
    fw = await small_framework()
    assessor = await make_user("assessor", name="Sam Moderator")
    returned_org = await make_organisation(name="Office for Thin Evidence")
    completed_org = await make_organisation(name="Department for Full Files")
    to_return = await make_assessment(
        returned_org, "in_review", fw, default_score=2, assessor=assessor
    )
    to_complete = await make_assessment(
        completed_org, "in_review", fw, default_score=2, assessor=assessor
    )
    context = await new_context(browser, live_server)
    page = await sign_in_by_form(context, assessor)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Assessments assigned to you")

    # The first (declared when assigned): one score changed with a rationale, then returned.
    await click(page, page.get_by_role("link", name="Office for Thin Evidence"), "Moderation of")
    await click(page, page.get_by_role("link", name=CODES[0], exact=True), CODES[0])
    await page.get_by_label("1: Developing").check()
    await page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    await expect(summary).to_be_visible()  # a different score needs its rationale
    await page.get_by_label("Rationale").fill("The minutes show a plan but no review of it.")
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(CODES[1])
    await click(page, page.get_by_role("link", name="Back to all elements"), "Moderation of")
    await expect(page.locator(f'[id="element-{CODES[0]}"]')).to_be_visible()
    await click(page, page.get_by_role("link", name="Return it to the department"), "Return")
    await page.get_by_label("Why are you returning it?").fill(
        "Please attach the review of the plan for LEAD.1.1."
    )
    await page.get_by_label(CODES[0], exact=False).check()
    await page.get_by_role("button", name="Return to the department").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Moderation of")
    await expect(page.get_by_text("Last returned to the department")).to_be_visible()
    await expect(page.get_by_text("Please attach the review of the plan")).to_be_visible()
    row = (
        await Assessment.select(Assessment.status, Assessment.return_reason)
        .where(Assessment.id == to_return["id"])
        .first()
    )
    assert row["status"] == "returned" and "review of the plan" in row["return_reason"]

    # The second: every element moderated, as the department scored it, and completed.
    await click(page, page.get_by_role("link", name="My assessments"), "assigned to you")
    await click(page, page.get_by_role("link", name="Department for Full Files"), "Moderation of")
    await click(page, page.get_by_role("link", name=CODES[0], exact=True), CODES[0])
    for following in [*CODES[1:], None]:
        await page.get_by_label("2: Established").check()
        await page.get_by_role("button", name="Save and continue").click()
        if following:
            await expect(page.get_by_role("heading", level=1)).to_contain_text(following)
    await expect(page.get_by_role("button", name="Complete moderation")).to_be_visible()
    await click(page, page.get_by_role("button", name="Complete moderation"), "Moderation of")
    row = (
        await Assessment.select(Assessment.status).where(Assessment.id == to_complete["id"]).first()
    )
    assert row["status"] == "moderated"
    await context.close()
