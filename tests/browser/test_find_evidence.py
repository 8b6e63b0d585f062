"""Finding evidence in a real browser: Enter in the element page's search box finds (it does not
save) and keeps what was typed; the library page's search; both pages accessible."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.assessments.support import make_evidence, small_framework
from tests.browser.conftest import assert_accessible, new_context, sign_in
from tests.factories import PASSWORD, make_assessment, make_organisation, make_user

pytestmark = pytest.mark.browser


async def test_finding_evidence_on_the_element_page_and_in_the_library(
    browser: Browser, live_server: str
) -> None:
    org = await make_organisation(name="Department for Finding")
    lead = await make_user("dept_lead", org)
    for n in range(10):
        await make_evidence(org, lead, title=f"Board minutes {n}")
    await make_evidence(org, lead, title="Customer survey")
    await make_evidence(org, lead, title="Survey of staff")
    assessment = await make_assessment(org, "draft", framework_version=await small_framework())
    context = await new_context(browser, live_server)
    await sign_in(context, lead, PASSWORD)
    page = await context.new_page()

    await page.goto(f"/assessments/{assessment['id']}/elements/LEAD.1.1")
    await page.get_by_label("How you meet this element").fill("The board adopted it in March.")
    await page.get_by_label("Board minutes 3").check()
    await page.get_by_label("Find evidence in your library").fill("survey")
    await page.get_by_label("Find evidence in your library").press("Enter")
    await expect(page.get_by_text("2 documents match “survey”.")).to_be_visible()
    checkboxes = page.locator("input[name=evidence]")
    await expect(checkboxes).to_have_count(3)
    await expect(page.get_by_label("Board minutes 3")).to_be_checked()
    await expect(page.get_by_label("How you meet this element")).to_have_value(
        "The board adopted it in March."
    )
    await assert_accessible(page)
    await page.get_by_label("Customer survey").check()
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("LEAD.1.2")

    await page.goto("/evidence")
    await page.get_by_label("Search the library").fill("Survey")
    await page.get_by_label("Search the library").press("Enter")
    await expect(page.get_by_text("2 items match “survey”.")).to_be_visible()
    await expect(page.locator("tbody tr")).to_have_count(2)
    # The one found and ticked on the element page was saved with the answer.
    await expect(page.locator("tbody tr", has_text="Customer survey")).to_contain_text("LEAD.1.1")
    await expect(page.locator("tbody tr", has_text="Survey of staff")).to_contain_text(
        "Not used yet"
    )
    await assert_accessible(page)
    await context.close()


async def test_enter_on_a_score_saves_and_in_the_search_box_finds(
    browser: Browser, live_server: str
) -> None:
    """The search button comes first in the form, so without the page's script Enter anywhere in
    it would find; with it, Enter saves as in any form, except in the search box."""
    org = await make_organisation(name="Department for Pressing Enter")
    lead = await make_user("dept_lead", org)
    for n in range(10):
        await make_evidence(org, lead, title=f"Board minutes {n}")
    await make_evidence(org, lead, title="Complaints review")
    assessment = await make_assessment(org, "draft", framework_version=await small_framework())
    context = await new_context(browser, live_server)
    await sign_in(context, lead, PASSWORD)
    page = await context.new_page()

    await page.goto(f"/assessments/{assessment['id']}/elements/LEAD.1.1")
    await page.get_by_label("Find evidence in your library").fill("complaints")
    await page.get_by_label("Find evidence in your library").press("Enter")
    await expect(page.get_by_text("1 document matches “complaints”.")).to_be_visible()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("LEAD.1.1")

    await page.get_by_label("Complaints review").check()
    await page.get_by_label("How you meet this element").fill("Minuted in July.")
    await page.get_by_label("2: Established").check()
    await page.get_by_label("2: Established").press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("LEAD.1.2")

    await page.goto(f"/assessments/{assessment['id']}/elements/LEAD.1.1")
    await expect(page.get_by_label("2: Established")).to_be_checked()
    await expect(page.get_by_label("Complaints review")).to_be_checked()
    await expect(page.get_by_label("How you meet this element")).to_have_value("Minuted in July.")
    await context.close()
