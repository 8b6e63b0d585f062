"""The department accounts the README names, as their people see them in the demo: each is told
what the README's "Who to sign in as" says they will find."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from tests.demo.support import signed_in


def page_of(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def said(page: BeautifulSoup) -> str:
    return " ".join(page.find("main").get_text(" ").split())


def link(page: BeautifulSoup, name: str) -> str | None:
    found = page.find("a", string=lambda s: s is not None and s.strip() == name)
    return found["href"] if found else None


def section(page: BeautifulSoup, framework: str) -> str:
    """The dashboard's text under one framework's heading, up to the next one."""
    heading = page.find("h2", string=lambda s: s is not None and s.strip() == framework)
    assert heading is not None, framework
    parts = []
    for node in heading.find_next_siblings():
        if node.name == "h2":
            break
        parts.append(node.get_text(" "))
    return " ".join(" ".join(parts).split())


async def test_rural_services_lead_reads_certificate_result_and_board_report(app, demo) -> None:
    async with signed_in(app, "lead@rural-services.example") as client:
        page = page_of(await client.get("/assessments"))
        standard = section(page, "Public Service Customer Standard")
        assert "Certificate: Excellence" in standard and "Latest result" in standard
        assert "Self-assessed and moderated scores, by theme" in standard
        assert "Continue the draft" in section(page, "Complaints and Feedback Handling Standard")
        for href in [a["href"] for a in page.select("main ul.govuk-list a")]:
            assert (await client.get(href)).status_code == 200, href


async def test_rural_services_contributor_has_a_draft_to_work_on(app, demo) -> None:
    async with signed_in(app, "contributor@rural-services.example") as client:
        dashboard = page_of(await client.get("/assessments"))
        draft = link(dashboard, "Continue the draft")
        assert draft is not None and link(dashboard, "Start a reassessment") is None
        tasks = page_of(await client.get(draft))
        first = tasks.select_one("main a[href*='/elements/']")["href"]
        element = page_of(await client.get(first))
        assert element.find("button", string=lambda s: s and "Save and continue" in s)
        assert element.find("button", string=lambda s: s and "upload new evidence" in s)
        check = page_of(await client.get(f"{draft}/check"))
        assert "Only a department lead can submit an assessment" in said(check)
        assert check.find("button", string=lambda s: s and "Submit" in s) is None


async def test_eastmarsh_lead_answers_the_returned_points_and_is_not_offered_a_restart(
    app, demo
) -> None:
    async with signed_in(app, "lead@eastmarsh-dc.example") as client:
        dashboard = page_of(await client.get("/assessments"))
        standard = section(dashboard, "Public Service Customer Standard")
        assert "Answer the returned points" in standard and "Start a reassessment" not in standard
        assert "Expired" in standard
        start = page_of(await client.get("/assessments/start"))
        offered = [
            i.find_next("label").get_text(strip=True)
            for i in start.select("input.govuk-radios__input")
        ]
        assert "Public Service Customer Standard" not in offered
        assert "Public Service Customer Standard (returned)" in said(start)


async def test_northshire_lead_is_told_the_certificate_expires_soon(app, demo) -> None:
    async with signed_in(app, "lead@northshire-cc.example") as client:
        dashboard = page_of(await client.get("/assessments"))
        warning = " ".join(dashboard.select_one(".govuk-warning-text").get_text(" ").split())
        assert "Your Accredited certificate expires soon" in warning
        reviews = dashboard.find("h2", id="reviews-due").find_next("table")
        assert "Northshire County Council" in reviews.get_text()
        assert "lead assessor will now make the certification decision" in said(dashboard)
