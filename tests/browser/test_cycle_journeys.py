"""The accreditation cycle in a real browser, by clicking only after signing in (axe on every
page): a department lead withdraws a draft, turns an area for improvement into an action and
completes it, and appeals a decision; a lead assessor who took no part finds the appeal from the
queue and upholds it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from app.accounts.actor import SystemActor
from app.certificates import service as certificates
from app.moderation.tables import Moderation
from tests.assessments.support import small_framework
from tests.browser.conftest import assert_accessible, new_context
from tests.factories import PASSWORD, make_assessment, make_organisation, make_user

pytestmark = pytest.mark.browser


async def sign_in_with_form(page: Page, user: dict[str, Any], heading: str) -> None:
    await page.goto("/sign-in")
    await page.get_by_label("Email address").fill(user["email"])
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    await assert_accessible(page)


async def h1(page: Page, wanted: str) -> None:
    await expect(page.get_by_role("heading", level=1)).to_have_text(wanted)
    await assert_accessible(page)


async def test_department_withdraws_tracks_an_action_and_appeals_then_a_lead_upholds(
    browser: Browser, live_server: str
) -> None:
    framework = await small_framework()
    org = await make_organisation(name="Department for Cycles")
    lead = await make_user("dept_lead", org, name="Cy Lead")
    decider = await make_user("lead_assessor")
    concluded = await make_assessment(
        org, "concluded", framework_version=framework, created_by=lead, lead_assessor=decider
    )
    await certificates.issue(SystemActor("tests"), concluded["id"])
    await Moderation.update({Moderation.improvement: "Publish the vision on the intranet"}).where(
        (Moderation.assessment == concluded["id"]) & (Moderation.element_code == "LEAD.1.1")
    )
    other = await small_framework("2.0")
    await make_assessment(org, "draft", framework_version=other, created_by=lead)

    context = await new_context(browser, live_server)
    page = await context.new_page()
    await sign_in_with_form(page, lead, "Assessments")

    # Withdraw the draft.
    await page.get_by_role("button", name="Continue the draft").click()
    await h1(page, "Small Standard")
    await page.get_by_role("link", name="Withdraw this assessment").click()
    await h1(page, "Withdraw the assessment")
    await page.get_by_role("button", name="Withdraw the assessment").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    await assert_accessible(page)
    await page.get_by_label("Why are you withdrawing it?").fill("Started by mistake")
    await page.get_by_role("button", name="Withdraw the assessment").click()
    await expect(page.locator(".govuk-inset-text").first).to_contain_text(
        "Reason: Started by mistake"
    )
    await assert_accessible(page)

    # From the concluded assessment's area for improvement to a done action.
    await page.get_by_role("link", name="All assessments").click()
    await h1(page, "Assessments")
    await page.get_by_role("link", name="See the assessment").first.click()
    await h1(page, "Small Standard")
    await page.get_by_role("link", name="Create an action for LEAD.1.1").click()
    await h1(page, "Create an action")
    await expect(page.get_by_label("Element (optional)")).to_have_value("LEAD.1.1")
    await page.get_by_label("Title").fill("Publish the vision")
    await page.get_by_label("Owner (optional)").select_option(label="Cy Lead")
    past = dt.date.today() - dt.timedelta(days=3)
    await page.get_by_label("Day").fill(str(past.day))
    await page.get_by_label("Month").fill(str(past.month))
    await page.get_by_label("Year").fill(str(past.year))
    await page.get_by_role("button", name="Create the action").click()
    await h1(page, "Publish the vision")
    await page.get_by_role("link", name="Back to the action plan").click()
    await h1(page, "Action plan")
    await expect(page.get_by_text("1 action is overdue")).to_be_visible()
    await page.get_by_role("link", name="Publish the vision").click()
    await h1(page, "Publish the vision")
    await page.get_by_label("Done").check()
    await page.get_by_label("Progress note").fill("On the intranet since Monday")
    await page.get_by_role("button", name="Save progress").click()
    await h1(page, "Publish the vision")
    await expect(page.get_by_text("it no longer changes")).to_be_visible()

    # Appeal the decision.
    await page.get_by_role("link", name="The assessment it comes from").click()
    await h1(page, "Small Standard")
    await page.get_by_role("link", name="Appeal this decision").click()
    await h1(page, "Appeal this decision")
    await page.get_by_label("Your grounds for appeal").fill("LEAD.1.1 deserves a 2")
    await page.get_by_role("button", name="Lodge the appeal").click()
    await h1(page, "Small Standard")
    await expect(page.get_by_text("Appeal lodged on")).to_be_visible()
    await context.close()

    # A lead assessor who took no part decides it from the queue.
    judge = await make_user("lead_assessor")
    context = await new_context(browser, live_server)
    page = await context.new_page()
    await sign_in_with_form(page, judge, "Moderation queue")
    await page.get_by_role("link", name="open appeals").click()
    await h1(page, "Open appeals")
    await page.get_by_role("link", name="Department for Cycles").click()
    await h1(page, "Appeal against the decision")
    await page.get_by_role("button", name="Decide the appeal").click()
    await expect(page.locator(".govuk-error-summary")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_label("Upheld").check()
    await page.get_by_label("Your reasons").fill("The evidence for LEAD.1.1 was overlooked")
    await page.get_by_role("button", name="Decide the appeal").click()
    await h1(page, "Appeal against the decision")
    await expect(page.locator(".govuk-summary-list")).to_contain_text("Upheld")
    await context.close()
