"""Email in a real browser, by clicking only after signing in: an administrator finds a failed
email in the outbox and retries it; a department lead turns reminders off on their account.
Every page axe-checked."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.async_api import Browser, expect

from app.notifications.tables import Notification
from tests.browser.conftest import new_context
from tests.browser.journeys import click, sign_in_by_form
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.browser


async def test_an_admin_retries_a_failed_email(browser: Browser, live_server: str) -> None:
    org = await make_organisation(name="Department for Transport")
    lead = await make_user("dept_lead", org, name="Sam Okafor")
    now = dt.datetime.now(dt.UTC)
    common = {"event": "assessment_returned", "user": lead["id"], "recipient": lead["email"]}
    await Notification.insert(
        Notification(
            **common,
            subject="Assessment returned to Department for Transport",
            context={},
            state="failed",
            tries=1,
            last_error="The mail server answered 550 5.1.1 No such mailbox",
            next_attempt_at=now,
            created_at=now,
        ),
        Notification(
            **common,
            subject="Decision made: Accredited for Department for Transport",
            context={},
            state="sent",
            tries=1,
            next_attempt_at=now,
            created_at=now - dt.timedelta(days=3),
            sent_at=now - dt.timedelta(days=3),
        ),
    )
    admin = await make_user("admin", name="Priya Raman")
    context = await new_context(browser, live_server)
    page = await sign_in_by_form(context, admin)

    await click(page, page.get_by_role("link", name="Emails", exact=True), "Emails")
    await expect(page.locator("tbody tr")).to_have_count(2)
    await click(page, page.get_by_role("link", name="Failed", exact=True), "Emails")
    row = page.locator("tbody tr")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("550 5.1.1 No such mailbox")
    subject = "Assessment returned to Department for Transport"
    await click(page, row.get_by_role("link", name=subject), subject)
    await expect(page.locator("main")).to_contain_text("Not tried yet")
    await click(page, page.get_by_role("button", name="Retry this email"), "Emails")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("pending again")
    await expect(page.locator("tbody tr")).to_contain_text("Waiting to be sent")
    await context.close()


async def test_a_department_lead_turns_reminders_off(browser: Browser, live_server: str) -> None:
    org = await make_organisation(name="Department for Transport")
    lead = await make_user("dept_lead", org, name="Sam Okafor")
    context = await new_context(browser, live_server)
    page = await sign_in_by_form(context, lead)

    await click(page, page.locator(".charter-account__name"), "Your account")
    await click(page, page.get_by_role("link", name="Reminders by email"), "Reminders by email")
    await expect(page.get_by_label("Yes, send me reminders")).to_be_checked()
    await page.get_by_label("No, do not send me reminders").check()
    await click(page, page.get_by_role("button", name="Save"), "Reminders by email")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You will not get reminders by email."
    )
    await expect(page.get_by_label("No, do not send me reminders")).to_be_checked()
    await context.close()
