"""The error pages a person can meet, provoked in a real browser the way they happen (an address
mistyped, a form sent twice, a form kept open too long, too many wrong passwords), each read by
its heading and checked with axe-core. Typing addresses is the point here, so this is no journey."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, new_context
from tests.browser.journeys import sign_in_by_form
from tests.factories import make_assessment, make_organisation, make_user

pytestmark = pytest.mark.browser


async def heading_is(page: Page, text: str) -> None:
    await expect(page.get_by_role("heading", level=1)).to_contain_text(text)
    await assert_accessible(page)


async def test_a_signed_in_person_meets_404_405_400_and_403_pages(
    browser: Browser, live_server: str
) -> None:
    admin = await make_user("admin", name="Err Admin")
    assessor = await make_user("assessor", name="Err Assessor")
    context = await new_context(browser, live_server)
    page = await sign_in_by_form(context, admin)

    answer = await page.goto("/no-such-page")
    assert answer is not None and answer.status == 404
    await heading_is(page, "Page not found")
    await expect(page.locator(".charter-account__name")).to_have_text("Err Admin")

    answer = await page.goto("/sign-out")  # a button's route, typed as an address
    assert answer is not None and answer.status == 405
    await assert_accessible(page)
    assert "not found" not in (await page.title()).lower()

    answer = await page.goto("/admin/organisations?page=first")
    assert answer is not None and answer.status == 400
    await assert_accessible(page)
    await context.close()

    context = await new_context(browser, live_server)
    page = await sign_in_by_form(context, assessor)
    answer = await page.goto("/evidence/upload")  # an assessor uploads nothing
    assert answer is not None and answer.status in (403, 404)
    await assert_accessible(page)
    await context.close()


async def test_a_form_sent_twice_and_a_form_whose_token_has_gone(
    browser: Browser, live_server: str
) -> None:
    org = await make_organisation(slug="err-dept", name="Department of Errors")
    lead = await make_user("dept_lead", org, name="Err Lead")
    context = await new_context(browser, live_server)
    page = await sign_in_by_form(context, lead)
    await page.goto("/account")
    await context.clear_cookies(name="charter_csrf")
    await page.get_by_role("button", name="Sign out").first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("not sent")
    await assert_accessible(page)
    await context.close()


async def test_too_many_wrong_passwords_give_the_429_page(
    browser: Browser, live_server: str
) -> None:
    person = await make_user("dept_contributor", await make_organisation(slug="err-two"))
    context = await new_context(browser, live_server)
    page = await context.new_page()
    await page.goto("/sign-in")
    status = 0
    for _ in range(12):
        await page.get_by_label("Email address").fill(person["email"])
        await page.get_by_label("Password").fill("not-the-password-at-all")
        async with page.expect_response(lambda r: r.request.method == "POST") as sent:
            await page.get_by_role("button", name="Sign in").click()
        status = (await sent.value).status
        if status == 429:
            break
    assert status == 429
    await assert_accessible(page)
    await context.close()


async def test_a_change_sent_from_a_page_left_open_meets_the_409_page(
    browser: Browser, live_server: str
) -> None:
    org = await make_organisation(slug="err-three", name="Department of Second Thoughts")
    lead = await make_user("dept_lead", org, name="Twice Lead")
    draft = await make_assessment(org, created_by=lead)
    context = await new_context(browser, live_server)
    first = await sign_in_by_form(context, lead)
    second = await context.new_page()
    for page in (first, second):
        await page.goto(f"/assessments/{draft['id']}/withdraw")
        await page.get_by_label("Why are you withdrawing it?").fill("Started on the wrong standard")
    await first.get_by_role("button", name="Withdraw the assessment").click()
    await expect(first.get_by_role("heading", level=1)).to_be_visible()
    async with second.expect_response(lambda r: r.request.method == "POST") as sent:
        await second.get_by_role("button", name="Withdraw the assessment").click()
    assert (await sent.value).status == 409
    await expect(second.get_by_role("main")).to_contain_text("withdrawn")
    await assert_accessible(second)
    await context.close()
