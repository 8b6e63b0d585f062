"""A department lead drafts answers in the downloaded spreadsheet and uploads it, in a real
browser: from the task list's links only, a bad cell shown then a good upload; axe on each page."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, expect

from app.assessments.tables import Response
from tests.assessments.support import small_framework
from tests.browser.conftest import assert_accessible, new_context, sign_in
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.browser


async def test_lead_fills_in_the_spreadsheet_offline_and_uploads_it(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    await small_framework()
    lead = await make_user("dept_lead", await make_organisation(name="Department for Workbooks"))
    context = await new_context(browser, live_server)
    await sign_in(context, lead, PASSWORD)
    page = await context.new_page()
    await page.goto("/assessments")
    await page.get_by_role("button", name="Start a new assessment").click()
    await page.get_by_role("button", name="Start assessment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Small Standard")
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Download as a spreadsheet").click()
    downloaded = tmp_path / "answers.xlsx"
    await (await downloading.value).save_as(downloaded)

    book = load_workbook(downloaded)
    book["LEAD"]["E2"] = "Excellent"
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    book["LEAD"]["E2"] = "2 - Established"
    book["LEAD"]["F2"] = "The board adopted the vision in March"
    good = tmp_path / "good.xlsx"
    book.save(good)

    await page.get_by_role("link", name="upload a completed spreadsheet").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Upload a completed spreadsheet"
    )
    await assert_accessible(page)
    await page.get_by_label("The completed workbook (.xlsx)").set_input_files(bad)
    await page.get_by_role("button", name="Upload the workbook").click()
    await expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    await expect(page.get_by_role("cell", name="LEAD!E2")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_label("The completed workbook (.xlsx)").set_input_files(good)
    await page.get_by_role("button", name="Upload the workbook").click()
    await expect(page.get_by_text("1 element updated, 2 unchanged")).to_be_visible()
    await assert_accessible(page)
    saved = await Response.select().where(Response.element_code == "LEAD.1.1").first()
    assert saved is not None and saved["score"] == 2
    await page.get_by_role("link", name="Back to the assessment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Small Standard")
    await context.close()
