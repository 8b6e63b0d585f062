"""A department lead's whole self-assessment in a real browser: start, fill every element, check
the answers, submit; with JavaScript (autosave) and without; every page checked by axe-core."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, expect

from app.assessments.tables import Assessment, Response
from tests.assessments.support import small_framework
from tests.browser.conftest import assert_accessible, new_context, sign_in
from tests.evidence import samples
from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.browser


EVIDENCE_TITLE = "Board minutes adopting the vision"


async def department() -> tuple[dict[str, Any], dict[str, Any]]:
    await small_framework()
    org = await make_organisation(name="Department for Journeys")
    lead = await make_user("dept_lead", org)
    return org, lead


async def answer(page: Page, level: str, narrative: str, evidence_title: str | None = None) -> None:
    await page.get_by_label(level).check()
    await page.get_by_label("How you meet this element").fill(narrative)
    if evidence_title:
        await page.get_by_label(evidence_title).check()


async def start_and_fill(page: Page, check: bool, tmp_path: Path) -> str:
    """From the dashboard to the check-your-answers page; returns the assessment's path."""
    await page.goto("/assessments")
    if check:
        await assert_accessible(page)
    await page.get_by_role("button", name="Start a new assessment").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Which framework")
    await expect(page.get_by_label("Small Standard")).to_be_checked()
    if check:
        await assert_accessible(page)
    await page.get_by_role("button", name="Start assessment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Small Standard")
    base = urlsplit(page.url).path
    if check:
        await assert_accessible(page)

    await page.get_by_role("link", name="LEAD.1.1").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("LEAD.1.1")
    if check:
        await assert_accessible(page)
    # "Not applicable" without a justification: the error summary, nothing typed lost.
    await page.get_by_label("How you meet this element").fill(
        "Our board adopted the vision in March."
    )
    await page.get_by_label("Not applicable").check()
    await page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    await expect(summary).to_contain_text("Explain why LEAD.1.1")
    await expect(summary).to_contain_text("You chose not applicable")
    await expect(page.get_by_label("How you meet this element")).to_have_value(
        "Our board adopted the vision in March."
    )
    if check:
        await assert_accessible(page)
    await summary.get_by_role("link", name="Explain why LEAD.1.1").click()
    await expect(page.get_by_label("If it does not apply: why not?")).to_be_focused()
    await page.get_by_label("2: Established").check()
    # Revealed by "Not applicable" alone (GOV.UK's conditional reveal), so hidden again now;
    # without JavaScript it stays in view.
    justification = page.get_by_label("If it does not apply: why not?")
    if await page.locator("body.govuk-frontend-supported").count():
        await expect(justification).to_be_hidden()
    else:
        await expect(justification).to_be_visible()
    # Upload a new file from the element page, then come back to it and link the file.
    await page.get_by_role("button", name="Save and upload new evidence").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Upload evidence")
    minutes = tmp_path / "board-minutes.pdf"
    minutes.write_bytes(samples.pdf("Board minutes"))
    await page.locator('input[type="file"][name="file-1"]').set_input_files(minutes)
    await page.locator("#title-1").fill(EVIDENCE_TITLE)
    approved = dt.date.today()
    for part, value in (("day", approved.day), ("month", approved.month), ("year", approved.year)):
        await page.locator(f"#effective_on-1-{part}").fill(str(value))
    if check:
        await assert_accessible(page)
    await page.get_by_role("button", name="Upload evidence").click()
    errors = page.locator(".govuk-error-summary")
    assert await errors.count() == 0, await errors.inner_text()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("LEAD.1.1")
    await expect(page.get_by_label("2: Established")).to_be_checked()
    await page.get_by_label(EVIDENCE_TITLE).check()
    await page.get_by_role("button", name="Save and continue").click()

    await expect(page.get_by_role("heading", level=1)).to_contain_text("LEAD.1.2")
    await answer(page, "1: Developing", "Complaints are reviewed each quarter by the board.")
    await page.get_by_role("button", name="Save and continue").click()

    await expect(page.get_by_role("heading", level=1)).to_contain_text("INS.1.1")
    await answer(page, "2: Established", "We segment our customers using survey data.")
    await page.get_by_role("button", name="Save and continue").click()

    await expect(page.locator("main")).to_contain_text("You have completed 3 of 3 elements.")
    await page.get_by_role("button", name="Check your answers").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    if check:
        await assert_accessible(page)
    return base


async def submit(page: Page, check: bool) -> None:
    await page.get_by_role("button", name="Submit assessment").click()
    await expect(page.locator(".govuk-panel")).to_contain_text("Assessment submitted")
    if check:
        await assert_accessible(page)


async def status_of(base: str) -> str:
    row = (
        await Assessment.select(Assessment.status)
        .where(Assessment.id == base.rsplit("/", 1)[1])
        .first()
    )
    return row["status"]


async def test_journey_with_javascript_is_accessible_and_autosaves(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    _, lead = await department()
    context = await new_context(browser, live_server)
    await sign_in(context, lead, PASSWORD)
    page = await context.new_page()
    base = await start_and_fill(page, check=True, tmp_path=tmp_path)

    # Autosave: change an answer and wait for "Saved" without pressing any button.
    await page.goto(f"{base}/elements/INS.1.1")
    await page.get_by_label("How you meet this element").fill(
        "Revised: we segment customers by need."
    )
    await expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    saved = await Response.select().where(Response.element_code == "INS.1.1").first()
    assert saved["narrative"] == "Revised: we segment customers by need." and saved["revision"] == 2
    # The page now carries the autosaved revision, so its own save is not a conflict.
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Small Standard")

    await page.goto(f"{base}/check")
    await submit(page, check=True)
    assert await status_of(base) == "submitted"
    await context.close()


async def test_journey_without_javascript(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    _, lead = await department()
    context = await new_context(browser, live_server, javascript=False)
    await sign_in(context, lead, PASSWORD)
    page = await context.new_page()
    base = await start_and_fill(page, check=False, tmp_path=tmp_path)
    await submit(page, check=False)
    assert await status_of(base) == "submitted"
    await context.close()


async def test_conflict_page_is_accessible(browser: Browser, live_server: str) -> None:
    org, lead = await department()
    context = await new_context(browser, live_server)
    await sign_in(context, lead, PASSWORD)
    page = await context.new_page()
    await page.goto("/assessments/start")
    await page.get_by_role("button", name="Start assessment").click()
    await page.get_by_role("link", name="INS.1.1").click()
    # Someone else saves the element after this page was opened.
    other = await make_user("dept_contributor", org, name="Grace Hopper")
    assessment = (
        await Assessment.select(Assessment.id).where(Assessment.organisation == org["id"]).first()
    )
    await Response(
        assessment=assessment["id"],
        element_code="INS.1.1",
        score=0,
        narrative="Theirs",
        updated_by=other["id"],
    ).save()
    await page.get_by_label("1: Developing").check()
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Someone else changed this element"
    )
    await expect(page.locator("main")).to_contain_text("Grace Hopper saved it")
    await assert_accessible(page)
    await context.close()
