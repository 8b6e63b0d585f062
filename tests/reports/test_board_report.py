"""The board report of a concluded assessment, as a PDF read back as text and as an HTML preview."""

from __future__ import annotations

import io
import re

from bs4 import BeautifulSoup
from pypdf import PdfReader

from app.assessments.results import overall_of, themes_of
from app.templating import percent
from tests.certificates.support import SMALL_FRAMEWORK, pdf_text
from tests.factories import (
    bearer,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
    web_sign_in,
)
from tests.reports.support import IMPROVEMENT, STRENGTH, concluded_with_history


async def test_board_report_has_every_section_in_the_pdf_and_the_preview(client) -> None:
    history = await concluded_with_history()  # slow to build: one setup for both renderings
    current, previous = history["current"], history["previous"]
    lead = await make_user("dept_lead", history["organisation"])
    response = await client.get(
        f"/api/v1/assessments/{current['id']}/report.pdf", headers=await bearer(lead)
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = pdf_text(response.content)

    # cover, running headers, page numbers, a contents list with page numbers
    assert text.startswith("CHARTER Board report Department of Examples")
    pages = len(reader.pages)
    assert f"Page 2 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert re.search(r"Executive summary \.+ 3\b", text)
    assert re.search(r"Action plan \.+ \d+", text)
    assert "Department of Examples Board report: Public Service Customer Standard" in text

    # executive summary: award, overall and theme percents, self beside moderated
    moderated, self_result = current["moderated_result"], current["self_result"]
    assert "achieved the award Accredited" in text
    assert f"moderated overall score of {percent(overall_of(moderated))}" in text
    assert f"(self-assessed {percent(overall_of(self_result))})" in text
    leadership = themes_of(moderated)["LEAD"]
    assert f"Leadership {percent(themes_of(self_result)['LEAD'])} {percent(leadership)}" in text

    # per theme, each element's self and moderated score and the rationale
    assert "LEAD.1.2 The customer service strategy" in text
    assert "4 \N{EN DASH} Leading 1 \N{EN DASH} Developing Evidence reviewed" in text

    # findings, comparison, league table position, action plan
    assert STRENGTH in text and IMPROVEMENT in text
    assert "achieved Commitment to Customer Service with 50.0% overall" in text
    change = overall_of(moderated) - overall_of(previous["moderated_result"])
    assert f"Change in the overall score since then: +{percent(change)[:-1]} points" in text
    assert "is ranked 3 of 8: the second quartile" in text
    assert "the next award, Excellence, needs" in text
    action_plan = text.split("Every element below the level the next award")[-1]
    assert "LEAD.1.1 Senior leaders" in action_plan and "LEAD.1.2 The customer" in action_plan
    assert (
        "2 \N{EN DASH} Established 3 \N{EN DASH} Embedded" in action_plan
    )  # LEAD.1.1 is mandatory: Excellence needs 3

    # tagged for screen readers (PDF/UA)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    assert (
        reader.metadata.title
        == "Board report: Department of Examples \N{EN DASH} Public Service Customer Standard"
    )

    # the HTML preview has the same sections and figures
    await web_sign_in(client, lead)
    response = await client.get(f"/assessments/{current['id']}/report")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.h1.get_text(strip=True) == "Board report: Department of Examples"
    sections = [h.get_text(strip=True) for h in soup.select("main h2")]
    assert sections == [
        "Contents",
        "Executive summary",
        "Results by theme",
        "Strengths and areas for improvement",
        "Comparison with the previous assessment",
        "Position in the league table",
        "Action plan",
    ]
    chart = soup.select_one("img.report-chart")
    assert (
        chart["src"].startswith("data:image/svg+xml;base64,")
        and "Leadership: self-assessed" in chart["alt"]
    )
    summary = soup.select_one("#summary table")
    rows = [
        [c.get_text(strip=True) for c in tr.select("th, td")] for tr in summary.select("tbody tr")
    ]
    assert rows[0][:3] == [
        "Leadership",
        "100.0%",
        percent(themes_of(current["moderated_result"])["LEAD"]),
    ]
    assert soup.find("a", href=f"/api/v1/assessments/{current['id']}/report.pdf")


async def test_report_waits_until_the_assessment_is_concluded(client) -> None:
    org = await make_organisation()
    small = await make_framework_version(text=SMALL_FRAMEWORK)
    reviewing = await make_assessment(org, state="in_review", framework_version=small)
    lead = await make_user("dept_lead", org)
    response = await client.get(
        f"/api/v1/assessments/{reviewing['id']}/report.pdf", headers=await bearer(lead)
    )
    assert response.status_code == 409
    assert response.json()["state"] == "in_review" and "in review" in response.json()["detail"]


async def test_only_those_who_may_see_the_assessment_get_its_report(client) -> None:
    org = await make_organisation()
    small = await make_framework_version(text=SMALL_FRAMEWORK)
    assigned = await make_user("assessor")
    concluded = await make_assessment(
        org, state="concluded", framework_version=small, assessor=assigned
    )
    url = f"/api/v1/assessments/{concluded['id']}/report.pdf"
    other = await make_user("dept_lead", await make_organisation())
    assert (await client.get(url, headers=await bearer(other))).status_code == 404
    unassigned = await make_user("assessor")
    assert (await client.get(url, headers=await bearer(unassigned))).status_code == 404
    assert (await client.get(url)).status_code == 401
    await web_sign_in(client, other)
    page = await client.get(f"/assessments/{concluded['id']}/report")
    assert page.status_code == 404
    await web_sign_in(client, assigned)
    assert (await client.get(f"/assessments/{concluded['id']}/report")).status_code == 200
