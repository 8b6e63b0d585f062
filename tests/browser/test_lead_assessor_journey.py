"""A lead assessor's whole job in a real browser, by clicking only after signing in: assign an
assessor to a submitted assessment, decide a moderated one, find the certificate it issued in the
register, revoke it with a reason and see it revoked; axe-core on every page passed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from app import db
from tests.browser.conftest import assert_accessible, new_context
from tests.factories import PASSWORD, make_assessment, make_organisation, make_user
from tests.moderation.support import small_framework

pytestmark = pytest.mark.browser


async def world() -> dict[str, Any]:
    """A submitted assessment waiting for an assessor, a moderated one waiting for a decision
    (moderated by someone else), an independent assessor and the lead assessor."""
    async with db.transaction():
        fv = await small_framework()
        waiting = await make_organisation(name="Department for Journeys")
        decided = await make_organisation(name="Agency for Journeys")
        await make_assessment(waiting, state="submitted", framework_version=fv)
        await make_assessment(decided, state="moderated", framework_version=fv, default_score=4)
        assessor = await make_user(
            "assessor", await make_organisation(name="Review Partners"), name="Asha Assessor"
        )
        lead = await make_user("lead_assessor", name="Lena Lead")
    return {"assessor": assessor, "lead": lead}


async def checked(page: Page) -> None:
    await expect(page.locator("h1")).to_be_visible()
    await assert_accessible(page)


async def test_lead_assessor_assigns_decides_and_revokes_by_clicking(
    browser: Browser, live_server: str
) -> None:
    people = await world()
    context = await new_context(browser, live_server)
    page = await context.new_page()
    await page.goto("/sign-in")
    await checked(page)
    await page.get_by_label("Email address").fill(people["lead"]["email"])
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()

    # The queue is the lead assessor's dashboard.
    await expect(page.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    await checked(page)

    # Assign an assessor, and be told it is done.
    await page.get_by_role("link", name="Assign an assessor for Department for Journeys").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Assign an assessor")
    await checked(page)
    await page.get_by_label("Assessor", exact=True).select_option(str(people["assessor"]["id"]))
    await page.get_by_role("button", name="Assign assessor").click()
    banner = page.locator(".govuk-notification-banner")
    await expect(banner).to_contain_text("Assessor assigned")
    await expect(banner).to_contain_text(
        "Asha Assessor is assigned to assess Department for Journeys."
    )
    await checked(page)

    # Decide the moderated assessment: confirm, which issues the certificate.
    await page.get_by_role("link", name="Decide Agency for Journeys").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Certification decision")
    await checked(page)
    await page.get_by_label("Confirm: conclude the assessment and issue the certificate").check()
    await page.get_by_role("button", name="Record decision").click()
    await expect(page.locator(".govuk-panel")).to_contain_text("awarded")
    await checked(page)

    # Find the certificate in the register.
    await page.get_by_role("link", name="Certificates", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Certificates")
    await checked(page)
    await page.get_by_label("Organisation or certificate number").fill("agency for journeys")
    await page.get_by_role("button", name="Find certificates").click()
    await expect(page.locator("table tbody tr")).to_have_count(1)
    await checked(page)
    await page.get_by_role("link", name="Agency for Journeys").click()
    await expect(page.locator(".govuk-tag").first).to_have_text("Valid")
    history = page.locator("table tbody")
    await expect(history).to_contain_text("Decision: award confirmed")
    await expect(history).to_contain_text("Lena Lead")
    await checked(page)

    # Revoke it: a reason is required; then the certificate says it was revoked, by whom, why.
    await page.get_by_role("button", name="Revoke this certificate").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Revoke certificate")
    await checked(page)
    await page.get_by_role("button", name="Revoke certificate").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reason for revoking the certificate"
    )
    await checked(page)
    await page.get_by_label("Why is the certificate being revoked?").fill(
        "Awarded on evidence later found to be incomplete"
    )
    await page.get_by_role("button", name="Revoke certificate").click()
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("Certificate revoked")
    await expect(page.locator(".govuk-tag").first).to_have_text("Revoked")
    await expect(page.locator(".govuk-warning-text")).to_contain_text(
        "by Lena Lead. Reason: Awarded on evidence later found to be incomplete"
    )
    await checked(page)

    # The register lists it as revoked, and its decision is reachable from the certificate.
    await page.get_by_role("link", name="All certificates").click()
    await checked(page)
    await page.get_by_role("link", name="Revoked", exact=True).click()
    await expect(page.locator("table tbody")).to_contain_text("Agency for Journeys")
    await checked(page)
    await page.get_by_role("link", name="Agency for Journeys").click()
    await checked(page)
    await page.get_by_role("link", name="Certification decision and scores").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Certification decision")
    await checked(page)
    await page.get_by_role("link", name="Back to the queue").click()
    decided = page.get_by_role("region", name="Decided assessments")
    await expect(decided).to_contain_text("Agency for Journeys")
    await checked(page)
    # On a phone the queue's tables scroll inside their own boxes; the page never widens.
    await page.set_viewport_size({"width": 375, "height": 800})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await page.set_viewport_size({"width": 1280, "height": 800})

    # Calibration: how far the department's scores sat from the moderated ones, by framework.
    await page.get_by_role("link", name="Calibration", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Calibration")
    await checked(page)
    await page.locator("main a[href^='/calibration/']").first.click()
    await expect(page.locator("main")).to_contain_text("Agency for Journeys")
    await checked(page)
    await page.get_by_role("link", name="Agency for Journeys").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Calibration: Agency for Journeys"
    )
    await checked(page)
    await context.close()
