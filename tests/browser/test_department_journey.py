"""The department's whole job in a real browser, by clicking only after signing in: the lead
starts, answers, uploads evidence and submits, then (once assessors have moderated and a lead
assessor has decided, through the real services) reads the award, certificate and board report
from the dashboard and downloads both PDFs; a contributor edits, uploads and cannot submit.
axe-core checks every page passed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from playwright.async_api import Browser, Page, expect

from app.accounts.actor import Actor
from app.accounts.roles import Role
from app.assessments.tables import Assessment, Response, ResponseEvidence
from app.certificates.tables import Certificate
from app.moderation import decision
from app.moderation import service as moderation
from app.moderation.rules import ModeratedAnswer
from tests.assessments.support import small_framework
from tests.browser.conftest import assert_accessible, new_context
from tests.certificates.support import SMALL_FRAMEWORK, pdf_text
from tests.evidence import samples
from tests.factories import (
    PASSWORD,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
)

pytestmark = pytest.mark.browser

ORGANISATION = "Department for Journeys"


def actor(user: dict[str, Any]) -> Actor:
    return Actor(user["id"], user["email"], user["name"], Role(user["role"]), user["organisation"])


async def sign_in_with_form(page: Page, user: dict[str, Any]) -> None:
    """The sign-in page is the one address typed; after it, only links and buttons."""
    await page.goto("/sign-in")
    await assert_accessible(page)
    await page.get_by_label("Email address").fill(user["email"])
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Assessments")
    await assert_accessible(page)


async def upload_from_element(page: Page, tmp_path: Path, title: str) -> None:
    """From an element's page: save, upload a new PDF, come back and link it."""
    await page.get_by_role("button", name="Save and upload new evidence").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Upload evidence")
    await assert_accessible(page)
    document = tmp_path / f"{title.lower().replace(' ', '-')}.pdf"
    document.write_bytes(samples.pdf(title))
    await page.locator('input[type="file"][name="file-1"]').set_input_files(document)
    await page.locator("#title-1").fill(title)
    today = dt.date.today()
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        await page.locator(f"#effective_on-1-{part}").fill(str(value))
    await page.get_by_role("button", name="Upload evidence").click()
    errors = page.locator(".govuk-error-summary")
    assert await errors.count() == 0, await errors.inner_text()
    await page.get_by_label(title).check()
    await assert_accessible(page)


async def answer(page: Page, level: str, narrative: str) -> None:
    await page.get_by_label(level).check()
    await page.get_by_label("How you meet this element").fill(narrative)


async def download(page: Page, link_name: str) -> bytes:
    async with page.expect_download() as started:
        await page.get_by_role("link", name=link_name).first.click()
    path = await (await started.value).path()
    return Path(path).read_bytes()


async def moderate_and_decide(assessment_id: UUID) -> None:
    """What the assessors do meanwhile, through the same services their pages call."""
    lead_assessor = actor(await make_user("lead_assessor", name="Margaret Osei"))
    assessor = await make_user("assessor", name="Hannah Lloyd")
    await moderation.assign(lead_assessor, assessment_id, assessor["email"])
    await moderation.declare(actor(assessor), assessment_id, "I have no conflict of interest.")
    scores = {"LEAD.1.1": 1, "LEAD.1.2": 1, "INS.1.1": 2}  # LEAD.1.1 a level lower
    for code, score in scores.items():
        rationale = "The vision is adopted but not yet published." if code == "LEAD.1.1" else ""
        answer = ModeratedAnswer(score=score, rationale=rationale)
        await moderation.moderate(actor(assessor), assessment_id, code, answer, 0)
    await moderation.complete(actor(assessor), assessment_id)
    await decision.decide(lead_assessor, assessment_id, "confirm", "The award follows.")


async def test_lead_submits_then_reads_award_certificate_and_board_report(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    await small_framework()
    await make_framework_version(text=SMALL_FRAMEWORK)  # a second standard to choose between
    org = await make_organisation(name=ORGANISATION)
    lead = await make_user("dept_lead", org)
    context = await new_context(browser, live_server)
    page = await context.new_page()
    await sign_in_with_form(page, lead)

    await page.get_by_role("button", name="Start a new assessment").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Which framework")
    await expect(page.get_by_label("Small Standard")).not_to_be_checked()
    await expect(page.get_by_label("Small Service Standard")).not_to_be_checked()
    await assert_accessible(page)
    await page.get_by_label("Small Standard").check()
    await page.get_by_role("button", name="Start assessment").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Small Standard")
    assessment_id = UUID(urlsplit(page.url).path.rsplit("/", 1)[1])
    await assert_accessible(page)

    await page.get_by_role("link", name="LEAD.1.1").click()
    justification = page.get_by_label("If it does not apply: why not?")
    await expect(justification).to_be_hidden()
    await page.get_by_label("Not applicable").check()
    await expect(justification).to_be_visible()  # revealed by its radio
    await assert_accessible(page)
    await answer(page, "2: Established", "Our board adopted the vision in March.")
    await expect(justification).to_be_hidden()
    await upload_from_element(page, tmp_path, "Board minutes adopting the vision")
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("LEAD.1.2")
    await answer(page, "1: Developing", "Complaints are reviewed each quarter by the board.")
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("INS.1.1")
    await answer(page, "2: Established", "We segment our customers using survey data.")
    await page.get_by_role("button", name="Save and continue").click()
    await page.get_by_role("button", name="Check your answers").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    await assert_accessible(page)
    await page.get_by_role("button", name="Submit assessment").click()
    await expect(page.locator(".govuk-panel")).to_contain_text("Assessment submitted")
    await assert_accessible(page)

    await moderate_and_decide(assessment_id)
    certificate = await Certificate.select().where(Certificate.assessment == assessment_id).first()
    assert certificate is not None

    await page.get_by_role("link", name="Assessments", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Assessments")
    await assert_accessible(page)
    held = page.locator(".govuk-summary-card", has_text="Certificate: Accredited")
    await expect(held).to_contain_text("Valid")
    await expect(held).to_contain_text(str(certificate["id"]))
    result = page.locator(".govuk-summary-card", has_text="Latest result")
    await expect(result).to_contain_text("Accredited")
    await expect(result).to_contain_text("66.7%")  # moderated overall
    await expect(result).to_contain_text("83.3%")  # self-assessed overall
    themes = page.locator("table", has_text="Self-assessed and moderated scores")
    await expect(themes.locator("tbody tr").first).to_contain_text("Leadership 75.0% 50.0%")

    report = pdf_text(await download(page, "Download the board report"))
    assert f"Board report: {ORGANISATION}" in report or ORGANISATION in report
    assert "Accredited" in report and "Small Standard" in report
    signed = pdf_text(await download(page, "Download the certificate (PDF)"))
    assert ORGANISATION in signed and "Accredited" in signed
    assert str(certificate["id"]) in signed

    await page.get_by_role("link", name="Read the board report").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Board report: {ORGANISATION}")
    await assert_accessible(page)
    await page.get_by_role("link", name="Back to the assessment").click()
    await expect(page.get_by_role("heading", name="Outcome")).to_be_visible()
    await expect(page.locator(".govuk-summary-card", has_text="Accredited awarded")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="See the certification decision").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Certification decision")
    await expect(page.locator(".govuk-panel")).to_contain_text("Accredited awarded")
    await assert_accessible(page)
    await page.get_by_role("link", name=str(certificate["id"])).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("This certificate is valid")
    await assert_accessible(page)
    await context.close()


async def test_contributor_edits_an_answer_uploads_evidence_and_cannot_submit(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    framework = await small_framework()
    org = await make_organisation(name=ORGANISATION)
    lead = await make_user("dept_lead", org)
    contributor = await make_user("dept_contributor", org, name="Aisha Begum")
    draft = await make_assessment(
        org, "draft", framework_version=framework, created_by=lead, answers={"LEAD.1.2": 1}
    )
    context = await new_context(browser, live_server)
    page = await context.new_page()
    await sign_in_with_form(page, contributor)
    await expect(page.get_by_role("button", name="Start a new assessment")).to_have_count(0)

    await page.get_by_role("button", name="Continue the draft").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Small Standard")
    await assert_accessible(page)
    await page.get_by_role("link", name="LEAD.1.2").click()
    await expect(page.get_by_label("1: Developing")).to_be_checked()
    await assert_accessible(page)
    await answer(page, "2: Established", "The board now reviews complaints every month.")
    await upload_from_element(page, tmp_path, "Board complaints review minutes")
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("INS.1.1")
    await page.get_by_role("link", name="Back to the task list").click()
    await page.get_by_role("button", name="Check your answers").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    await expect(page.locator("#cannot-submit")).to_contain_text(
        "Only a department lead can submit an assessment"
    )
    await expect(page.get_by_role("button", name="Submit assessment")).to_have_count(0)
    await assert_accessible(page)

    saved = (
        await Response.select()
        .where((Response.assessment == draft["id"]) & (Response.element_code == "LEAD.1.2"))
        .first()
    )
    assert saved["score"] == 2 and saved["updated_by"] == contributor["id"]
    links = await ResponseEvidence.count().where(ResponseEvidence.response == saved["id"])
    assert links == 1
    status = await Assessment.select(Assessment.status).where(Assessment.id == draft["id"])
    assert status[0]["status"] == "draft"
    await context.close()
