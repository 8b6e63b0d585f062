"""League tables in a real browser, by clicking only: a publisher signs in, publishes a table and
downloads it as CSV, spreadsheet and PDF (each read back); the public, signed out, finds that
table from the home page and checks a certificate of an organisation in it. axe-core checks
every page passed."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from app.accounts.actor import SystemActor
from app.certificates import service as certificates
from tests.browser.conftest import (
    assert_accessible,
    assert_accessible_without_javascript,
    new_context,
)
from tests.certificates.support import pdf_text
from tests.factories import PASSWORD, bearer, make_assessment, make_user
from tests.league_tables.support import SLUG, at, concluded, small_framework

pytestmark = pytest.mark.browser

TITLE = "Customer service league table, spring 2026"
SCREENSHOTS = os.environ.get("CHARTER_SCREENSHOTS")  # a folder for the verify page's screenshots


async def two_organisations() -> dict[str, str]:
    """Top Office (all 4s: 100%, Gold, with its certificate) and Middle Agency (all 2s: 50%)."""
    framework = await small_framework(validity=36)
    top = await concluded(framework, 4, "2026-03-01", name="Top Office")
    await concluded(framework, 2, "2026-03-02", name="Middle Agency", kind="agency")
    people = framework["_people"]
    # A later assessment of Top Office, concluded with its certificate issued, as a decision does.
    later = await make_assessment(
        top,
        state="concluded",
        framework_version=framework,
        default_score=4,
        concluded_at=at("2026-03-10"),
        created_by=people["created_by"],
        assessor=people["assessor"],
        lead_assessor=people["lead_assessor"],
    )
    certificate = await certificates.issue(SystemActor("tests"), later["id"])
    return {"slug": top["slug"], "certificate": certificate["id"]}


async def download(page: Page, name: str, folder: Path) -> bytes:
    async with page.expect_download() as info:
        await page.get_by_role("link", name=name).click()
    saved = folder / (await info.value).suggested_filename
    await (await info.value).save_as(saved)
    return saved.read_bytes()


async def test_publisher_publishes_a_table_and_downloads_it(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    await two_organisations()
    publisher = await make_user("publisher")
    context = await new_context(browser, live_server)
    page = await context.new_page()
    await page.goto("/sign-in")  # the one address typed; after it, only links and buttons
    await assert_accessible(page)
    await page.get_by_label("Email address").fill(publisher["email"])
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await assert_accessible(page)

    await (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="League tables", exact=True)
        .click()
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("League tables")
    await assert_accessible(page)
    await page.get_by_role("button", name="Publish a league table").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Publish a league table")
    await assert_accessible(page)

    # A mistake first: no framework chosen. The error names it and keeps what was typed.
    await page.get_by_label("Title").fill(TITLE)
    for part, value in (("Day", "1"), ("Month", "4"), ("Year", "2026")):
        await page.get_by_label(part).fill(value)
    await page.get_by_role("button", name="Preview the table").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text("framework")
    await expect(page.get_by_label("Title")).to_have_value(TITLE)
    await assert_accessible(page)

    await page.get_by_label("Framework").select_option(SLUG)
    await page.get_by_role("button", name="Preview the table").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the league table before publishing"
    )
    await assert_accessible(page)
    await page.get_by_role("button", name="Publish the table").click()
    await expect(page.get_by_text("The league table has been published")).to_be_visible()
    await expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    await assert_accessible(page)
    table = page.locator("table.charter-league")
    await expect(table.locator("thead th").first).to_have_text("Rank")
    await expect(table.locator("tbody tr").first).to_contain_text("Top Office")
    await expect(page.locator(".govuk-summary-list")).to_contain_text("1 April 2026")

    text = (await download(page, "CSV (one row per organisation)", tmp_path)).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["rank"], r["organisation_name"], r["award_label"]) for r in rows] == [
        ("1", "Top Office", "Gold"),
        ("2", "Middle Agency", "Silver"),
    ]
    assert rows[0]["overall_percent"] == "100" and rows[0]["concluded_on"] == "2026-03-10"

    ods = await download(page, "Spreadsheet (ODS)", tmp_path)
    with zipfile.ZipFile(io.BytesIO(ods)) as spreadsheet:
        assert spreadsheet.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        content = spreadsheet.read("content.xml").decode("utf-8")
    assert "Top Office" in content and "Middle Agency" in content and TITLE in content

    pdf = pdf_text(await download(page, "PDF", tmp_path))
    assert TITLE in pdf and "As of 1 April 2026" in pdf
    assert pdf.index("Top Office") < pdf.index("Middle Agency")
    await context.close()


async def test_public_finds_a_table_from_the_home_page_and_checks_a_certificate(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    held = await two_organisations()
    publisher = await make_user("publisher")
    api = await new_context(browser, live_server)
    response = await api.request.post(
        "/api/v1/league-tables",
        data={"framework": SLUG, "title": TITLE, "as_of": "2026-04-01"},
        headers=await bearer(publisher),
    )
    assert response.status == 201, await response.text()
    await api.close()

    for javascript in (True, False):
        check = assert_accessible if javascript else assert_accessible_without_javascript
        context = await new_context(browser, live_server, javascript=javascript)
        page = await context.new_page()
        await page.goto("/")
        await check(page)
        await page.get_by_role("link", name="Published league tables").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("League tables")
        await check(page)
        await page.get_by_role("link", name=TITLE).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        await check(page)
        region = page.get_by_role("region", name=TITLE)
        await expect(region).to_be_visible()
        await page.get_by_role("link", name="Top Office").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Top Office")
        await check(page)
        await page.get_by_role("link", name="Check the Gold certificate").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("This certificate is valid")
        await expect(page.locator(".govuk-summary-list")).to_contain_text(held["certificate"])
        await check(page)

        # The number as printed on the certificate, typed into "Check a certificate".
        await page.get_by_role("link", name="Check a certificate").first.click()
        await check(page)
        await page.get_by_role("textbox").first.fill(held["certificate"])
        await page.get_by_role("button", name="Check certificate").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("This certificate is valid")
        await expect(page.locator(".govuk-summary-list")).to_contain_text("Top Office")
        await check(page)
        saved = await download(page, "Download the signed certificate (PDF)", tmp_path)

        # A mistyped number: the form again, with an error naming it.
        await page.get_by_role("link", name="Check a certificate").first.click()
        await page.get_by_role("textbox").first.fill(held["certificate"][:-1] + "z")
        await page.get_by_role("button", name="Check certificate number").click()
        await expect(page.locator(".govuk-error-summary")).to_contain_text(
            "not a certificate number"
        )
        await check(page)

        # The PDF as downloaded, uploaded to be checked against Charter's signing key.
        (tmp_path / "upload.pdf").write_bytes(saved)
        await page.get_by_label("Or upload the certificate PDF").set_input_files(
            tmp_path / "upload.pdf"
        )
        await page.get_by_role("button", name="Check the PDF").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            "This is a genuine Charter certificate"
        )
        await expect(page.locator(".govuk-summary-list")).to_contain_text(held["certificate"])
        await check(page)
        if javascript and SCREENSHOTS:
            await page.get_by_role("link", name="Check another certificate").click()
            for width in (1280, 375):
                await page.set_viewport_size({"width": width, "height": 900})
                await page.screenshot(path=f"{SCREENSHOTS}/verify-{width}.png", full_page=True)
                scroll = await page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, (width, scroll)
        await context.close()
