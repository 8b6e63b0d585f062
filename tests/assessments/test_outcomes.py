"""What a department reads of its results: the dashboard's certificate, latest result, board
report and next step for each framework, and a concluded assessment's outcome on its own page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup
from httpx import AsyncClient

from app.accounts.actor import SystemActor
from app.certificates import service as certificates
from app.certificates.tables import Certificate
from app.templating import govuk_date
from tests.assessments.support import small_framework
from tests.certificates.support import SMALL_FRAMEWORK, issued_certificate
from tests.factories import make_assessment, make_framework_version, make_user, web_sign_in

# The small service standard, moderated one level down on FIX.1.1: Care 100% both ways,
# Fixing things 100% claimed and 50% moderated; overall 100% and 75%, a Silver award.
MODERATED = {"FIX.1.1": 1}


def soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def text(node: Any) -> str:
    return " ".join(node.get_text(" ").split()) if node is not None else ""


def card(page: BeautifulSoup, title: str) -> Any:
    """The summary card whose title starts with `title`."""
    for found in page.select(".govuk-summary-card"):
        if text(found.select_one(".govuk-summary-card__title")).startswith(title):
            return found
    raise AssertionError(f"no card titled {title!r} in {[text(c) for c in page.select('h3')]}")


def rows_of(node: Any) -> dict[str, str]:
    return {
        text(r.select_one(".govuk-summary-list__key")): text(
            r.select_one(".govuk-summary-list__value")
        )
        for r in node.select(".govuk-summary-list__row")
    }


def links(node: Any) -> dict[str, str]:
    return {text(a): a["href"] for a in node.find_all("a")}


def table_rows(page: BeautifulSoup, caption: str) -> list[list[str]]:
    table = next(t for t in page.select("table") if caption in text(t.find("caption")))
    return [[text(c) for c in r.select("th, td")] for r in table.select("tbody tr")]


async def concluded_with_certificate(role: str = "dept_lead") -> dict[str, Any]:
    org, assessment, certificate = await issued_certificate(moderated=MODERATED)
    person = await make_user(role, org)
    return {"org": org, "assessment": assessment, "certificate": certificate, "person": person}


async def test_lead_dashboard_shows_certificate_latest_result_board_report_and_next_step(
    client: AsyncClient,
) -> None:
    given = await concluded_with_certificate()
    await web_sign_in(client, given["person"])
    page = soup(await client.get("/assessments"))
    assessment_id, certificate_id = given["assessment"]["id"], given["certificate"]["id"]
    assert text(page.find("h2")) == "Small Service Standard"

    held = card(page, "Certificate: Silver Service Award")
    today = dt.date.fromisoformat(given["certificate"]["issued_on"])
    expires = dt.date.fromisoformat(given["certificate"]["expires_on"])
    review = dt.date.fromisoformat(given["certificate"]["review_due_on"])
    assert rows_of(held) == {
        "Status": "Valid",
        "Issued": govuk_date(today),
        "Expires": govuk_date(expires),
        "Next review due": govuk_date(review),
        "Certificate number": certificate_id,
    }
    assert links(held) == {
        "Check the certificate (Certificate: Silver Service Award)": f"/verify/{certificate_id}",
        "Download the certificate (PDF) (Certificate: Silver Service Award)": (
            f"/api/v1/certificates/{certificate_id}.pdf"
        ),
    }

    result = card(page, "Latest result")
    assert rows_of(result) == {
        "Award": "Silver Service Award",
        "Concluded": govuk_date(today),
        "Framework version": "2027.2",
        "Overall, moderated": "75.0%",
        "Overall, self-assessed": "100.0%",
    }
    assert links(result)["See the assessment (Latest result)"] == f"/assessments/{assessment_id}"
    assert table_rows(page, "Self-assessed and moderated scores") == [
        ["Care", "100.0%", "100.0%"],
        ["Fixing things", "100.0%", "50.0%"],
        ["Overall", "100.0%", "75.0%"],
    ]
    found = links(page)
    assert found["Read the board report for Small Service Standard"] == (
        f"/assessments/{assessment_id}/report"
    )
    assert found["Download the board report for Small Service Standard (PDF)"] == (
        f"/api/v1/assessments/{assessment_id}/report.pdf"
    )
    assert found["See the certification decision for Small Service Standard"] == (
        f"/moderation/{assessment_id}/decision"
    )
    start = page.find("a", string=lambda s: s and s.strip() == "Start a reassessment")
    assert start["href"] == "/assessments/start?framework=small-service-standard"
    assert "Your certificate expires on " + govuk_date(expires) in text(page.find("main"))
    assert "None" not in text(page.find("main"))


async def test_every_link_the_dashboard_gives_a_department_opens(client: AsyncClient) -> None:
    given = await concluded_with_certificate()
    await web_sign_in(client, given["person"])
    page = soup(await client.get("/assessments"))
    for name, href in links(page.find("main")).items():
        if href.endswith(".pdf"):
            continue  # the PDFs are read back in the browser journey and the reports' tests
        response = await client.get(href)
        assert response.status_code == 200, (name, href, response.status_code)
        assert "None" not in text(BeautifulSoup(response.text, "html.parser").find("main")), href


async def test_concluded_assessment_page_shows_its_outcome(client: AsyncClient) -> None:
    given = await concluded_with_certificate("dept_contributor")
    await web_sign_in(client, given["person"])
    assessment_id, certificate_id = given["assessment"]["id"], given["certificate"]["id"]
    page = soup(await client.get(f"/assessments/{assessment_id}"))
    assert "Outcome" in [text(h) for h in page.find_all("h2")]
    assert rows_of(card(page, "Silver Service Award awarded"))["Overall, moderated"] == "75.0%"
    assert table_rows(page, "Self-assessed and moderated scores")[-1] == [
        "Overall",
        "100.0%",
        "75.0%",
    ]
    held = card(page, "Certificate: Silver Service Award")
    assert rows_of(held)["Certificate number"] == certificate_id
    assert f"/api/v1/certificates/{certificate_id}.pdf" in links(held).values()
    assert {
        f"/assessments/{assessment_id}/report",
        f"/api/v1/assessments/{assessment_id}/report.pdf",
        f"/moderation/{assessment_id}/decision",
    } <= set(links(page).values())
    assert "None" not in text(page.find("main"))


async def test_department_reads_its_decision_once_concluded_and_not_before(
    client: AsyncClient,
) -> None:
    given = await concluded_with_certificate()
    await web_sign_in(client, given["person"])
    assessment_id = given["assessment"]["id"]
    page = soup(await client.get(f"/moderation/{assessment_id}/decision"))
    assert text(page.find("h1")) == "Certification decision"
    assert "Silver Service Award awarded" in text(page.select_one(".govuk-panel"))
    assert links(page)[given["certificate"]["id"]] == f"/verify/{given['certificate']['id']}"
    assert links(page)["Back to the assessment"] == f"/assessments/{assessment_id}"
    assert page.find("form", attrs={"action": f"/moderation/{assessment_id}/decision"}) is None

    moderated = await make_assessment(given["org"], "moderated")
    assert (await client.get(f"/moderation/{moderated['id']}/decision")).status_code == 403
    other = await concluded_with_certificate()  # another organisation's
    response = await client.get(f"/moderation/{other['assessment']['id']}/decision")
    assert response.status_code == 404


async def test_lead_is_told_the_certificate_expires_soon_and_its_review_is_due(
    client: AsyncClient,
) -> None:
    given = await concluded_with_certificate()
    today = dt.date.today()
    await Certificate.update(
        {
            Certificate.issued_on: today - dt.timedelta(days=700),
            Certificate.review_due_on: today - dt.timedelta(days=520),
            Certificate.expires_on: today + dt.timedelta(days=30),
        }
    ).where(Certificate.id == given["certificate"]["id"])
    await web_sign_in(client, given["person"])
    page = soup(await client.get("/assessments"))
    expires = govuk_date(today + dt.timedelta(days=30))
    warning = text(page.select_one(".govuk-warning-text"))
    assert f"Your Silver Service Award certificate expires soon, on {expires}." in warning
    held = rows_of(card(page, "Certificate: Silver Service Award"))
    assert held["Expires"] == f"{expires} Expires soon"
    assert held["Next review due"].endswith("Overdue")
    due = page.find("h2", id="reviews-due")
    assert text(due) == "Certificate reviews due"
    assert table_rows(page, "annual review is due") == [
        [
            "Ministry of Examples",
            "Silver Service Award",
            f"{govuk_date(today - dt.timedelta(days=520))} Overdue",
            expires,
        ]
    ]


async def test_a_returned_assessment_is_continued_never_started_again(
    client: AsyncClient,
) -> None:
    given = await concluded_with_certificate()
    framework = await make_framework_version(text=SMALL_FRAMEWORK)
    returned = await make_assessment(given["org"], "returned", framework_version=framework)
    await web_sign_in(client, given["person"])
    page = soup(await client.get("/assessments"))
    named = lambda wanted: lambda s: s and s.strip() == wanted  # noqa: E731
    assert page.find("a", string=named("Start a reassessment")) is None
    assert page.find("a", string=named("Start a new assessment")) is None  # nothing else to start
    answer = page.find("a", string=named("Answer the returned points"))
    assert answer["href"] == f"/assessments/{returned['id']}"

    start = soup(await client.get("/assessments/start"))
    assert start.find("input", attrs={"name": "framework"}) is None
    assert text(start.find("h1")) == "You cannot start another assessment now"
    assert links(start)["continue it (Small Service Standard)"] == f"/assessments/{returned['id']}"


async def test_start_page_preselects_only_an_asked_for_or_sole_framework(
    client: AsyncClient,
) -> None:
    given = await concluded_with_certificate()
    other = await small_framework()  # "Small Standard", which sorts after nothing in particular
    await web_sign_in(client, given["person"])

    def checked(page: BeautifulSoup) -> list[str]:
        return [
            i["value"]
            for i in page.find_all("input", attrs={"name": "framework"})
            if i.has_attr("checked")
        ]

    page = soup(await client.get("/assessments/start"))
    assert len(page.find_all("input", attrs={"name": "framework"})) == 2
    assert checked(page) == []
    page = soup(await client.get("/assessments/start?framework=small-standard"))
    assert checked(page) == [str(other["id"])]
    # The dashboard's "Start a reassessment" asks for its own framework.
    dashboard = soup(await client.get("/assessments"))
    href = dashboard.find("a", string=lambda s: s and s.strip() == "Start a reassessment")["href"]
    chosen = checked(soup(await client.get(href)))
    row = await Certificate.select(Certificate.framework_version).first()
    assert chosen == [str(row["framework_version"])]


async def test_contributor_is_told_the_lead_starts_a_reassessment(client: AsyncClient) -> None:
    given = await concluded_with_certificate("dept_contributor")
    await web_sign_in(client, given["person"])
    page = soup(await client.get("/assessments"))
    assert page.find("a", string=lambda s: s and "Start" in s) is None
    assert "Your department lead can start it." in text(page.find("main"))
    assert rows_of(card(page, "Latest result"))["Award"] == "Silver Service Award"


async def test_a_superseded_certificate_needs_no_review(client: AsyncClient) -> None:
    given = await concluded_with_certificate()
    today = dt.date.today()
    await Certificate.update(
        {
            Certificate.issued_on: today - dt.timedelta(days=400),
            Certificate.review_due_on: today - dt.timedelta(days=220),
        }
    ).where(Certificate.id == given["certificate"]["id"])
    framework = await make_framework_version(text=SMALL_FRAMEWORK)
    again = await make_assessment(
        given["org"], "concluded", framework_version=framework, moderated=MODERATED
    )
    newer = await certificates.issue(SystemActor("tests"), again["id"])
    await web_sign_in(client, given["person"])
    page = soup(await client.get("/assessments"))
    assert "No certificate reviews are due in the next 90 days." in text(page.find("main"))
    assert rows_of(card(page, "Certificate:"))["Certificate number"] == newer["id"]
