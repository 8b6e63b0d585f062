"""The moderation pages as people meet them: forms keep what was typed, errors are summarised,
and each step redirects to the next."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from httpx import AsyncClient
from httpx import Response as HttpResponse

from app.assessments.tables import Response, ResponseEvidence
from app.evidence.tables import Evidence
from app.moderation.tables import Assignment
from tests.factories import (
    csrf_token,
    make_assessment,
    make_organisation,
    make_user,
    web_sign_in,
)
from tests.moderation.support import assign, build_assessment, make_team, small_framework, submitted


def page(response: HttpResponse) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def error_summary(soup: BeautifulSoup) -> list[str]:
    summary = soup.select_one(".govuk-error-summary")
    return [li.get_text(" ", strip=True) for li in summary.select("li")] if summary else []


async def post_form(client: AsyncClient, path: str, data: dict[str, Any]) -> HttpResponse:
    return await client.post(path, data={**data, "_csrf_token": await csrf_token(client)})


async def test_lead_assigns_from_the_queue_and_conflicted_people_are_not_offered(
    client: AsyncClient,
) -> None:
    team = await make_team()
    assessment = await submitted(team)
    insider = await make_user("assessor", team.organisation, name="Insider Person")
    await web_sign_in(client, team.lead)

    queue = page(await client.get("/moderation/queue"))
    first_row = [td.get_text(strip=True) for td in queue.select("table tbody tr")[0].select("td")]
    assert first_row[0] == "Department for Testing" and first_row[3] == "0 days"

    form = page(await client.get(f"/moderation/{assessment['id']}/assign"))
    offered = [o.get_text() for o in form.select("select#user option")]
    assert any(team.assessor["email"] in text for text in offered)
    assert not any("Insider Person" in text for text in offered)
    assert (
        "1 person who work for it, or for an organisation above or below it, cannot be assigned"
        in form.select_one("#user-hint").get_text()
    )

    empty = await post_form(
        client,
        f"/moderation/{assessment['id']}/assign",
        {"user": "", "declaration": "No links at all"},
    )
    assert empty.status_code == 400
    assert error_summary(page(empty)) == ["Choose the assessor to assign"]
    assert page(empty).select_one("textarea#declaration").get_text() == "No links at all"

    tampered = await post_form(
        client,
        f"/moderation/{assessment['id']}/assign",
        {"user": str(insider["id"]), "declaration": "No links at all"},
    )
    assert tampered.status_code == 400
    assert (
        "works for Department for Testing, the organisation being assessed"
        in error_summary(page(tampered))[0]
    )
    assert page(tampered).select_one("textarea#declaration").get_text() == "No links at all"

    done = await post_form(
        client,
        f"/moderation/{assessment['id']}/assign",
        {"user": str(team.assessor["id"]), "declaration": ""},
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/moderation/queue?assigned={assessment['id']}"
    assignment = await Assignment.select().where(Assignment.assessment == assessment["id"]).first()
    assert assignment["assessor"] == team.assessor["id"] and assignment["declaration"] == ""


async def test_assessor_declares_then_moderates_side_by_side_and_keeps_what_was_typed(
    client: AsyncClient,
) -> None:
    team = await make_team()
    assessment = await submitted(team)
    aid = assessment["id"]
    assert (await assign(client, team, aid, declaration=None)).status_code == 200
    await web_sign_in(client, team.assessor)

    mine = page(await client.get("/moderation/assigned"))
    cells = [td.get_text(" ", strip=True) for td in mine.select("table tbody tr td")]
    assert cells[0] == "Department for Testing"
    assert "0 of 4 elements moderated" in cells and "Declaration needed" in cells[4]

    blank = await post_form(client, f"/moderation/{aid}/declaration", {"declaration": "  "})
    assert blank.status_code == 400
    assert error_summary(page(blank)) == ["Enter your declaration of no conflict of interest"]
    declared = await post_form(
        client,
        f"/moderation/{aid}/declaration",
        {"declaration": "I have no links with this department."},
    )
    assert declared.status_code == 303

    element = page(await client.get(f"/moderation/{aid}/elements/LEAD.1.1"))
    assert (
        element.select_one("h1")
        .get_text(strip=True)
        .startswith("LEAD.1.1: Leaders publish a vision.")
    )
    department = element.select(".govuk-grid-column-one-half")[0].get_text(" ", strip=True)
    assert "3 (Embedded)" in department and "How we meet LEAD.1.1" in department

    typed = {
        "score": "1",
        "rationale": "",
        "strength": "A clear vision",
        "improvement": "Publish it",
        "revision": "0",
        "next": f"/moderation/{aid}/elements/LEAD.1.2",
    }
    refused = await post_form(client, f"/moderation/{aid}/elements/LEAD.1.1", typed)
    assert refused.status_code == 400
    soup = page(refused)
    assert error_summary(soup) == [
        "LEAD.1.1: give a rationale: the moderated answer, 1 (Developing), differs from the "
        "department's, 3 (Embedded)"
    ]
    assert soup.select_one("input[name=score][value='1']").has_attr("checked")
    assert soup.select_one("textarea#strength").get_text() == "A clear vision"
    assert soup.select_one("textarea#improvement").get_text() == "Publish it"

    saved = await post_form(
        client,
        f"/moderation/{aid}/elements/LEAD.1.1",
        {**typed, "rationale": "The vision is a draft"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/moderation/{aid}/elements/LEAD.1.2"

    stale = await post_form(
        client, f"/moderation/{aid}/elements/LEAD.1.1", {**typed, "score": "3", "revision": "0"}
    )
    assert stale.status_code == 400
    soup = page(stale)
    assert "was moderated again since you read it" in error_summary(soup)[0]
    assert soup.select_one("input[name=revision]")["value"] == "1"
    assert soup.select_one("input[name=score][value='3']").has_attr("checked")

    incomplete = await post_form(client, f"/moderation/{aid}/complete", {})
    assert incomplete.status_code == 400
    assert error_summary(page(incomplete)) == [
        "LEAD.1.2: not moderated yet",
        "INS.1.1: not moderated yet",
        "INS.1.2: not moderated yet",
    ]
    assert page(incomplete).select_one(".govuk-error-summary a")["href"] == "#element-LEAD.1.2"

    no_reason = await post_form(
        client, f"/moderation/{aid}/return", {"reason": "", "elements": ["INS.1.2"]}
    )
    assert no_reason.status_code == 400
    assert error_summary(page(no_reason)) == [
        "Enter the reason for returning the assessment to the department"
    ]
    assert page(no_reason).select_one("input[name=elements][value='INS.1.2']").has_attr("checked")
    returned = await post_form(
        client, f"/moderation/{aid}/return", {"reason": "Add your survey", "elements": ["INS.1.2"]}
    )
    assert returned.status_code == 303
    overview = page(await client.get(f"/moderation/{aid}"))
    assert "Add your survey" in overview.select_one(".govuk-inset-text").get_text()


async def test_lead_decides_on_the_decision_page(client: AsyncClient) -> None:
    team = await make_team()
    assessment = await build_assessment(
        team.organisation,
        state="moderated",
        framework_version=await small_framework(),
        default_score=4,
        moderated={"INS.1.2": 2},
        lead_assessor=team.lead,
    )
    aid = assessment["id"]
    await web_sign_in(client, team.decider)
    form = page(await client.get(f"/moderation/{aid}/decision"))
    assert "earn: Excellence" in form.select_one(".govuk-inset-text").get_text()
    rows = {
        tr.select("td")[0].get_text(strip=True): [
            td.get_text(strip=True) for td in tr.select("td")[1:]
        ]
        for tr in form.select("table tbody tr")
    }
    # INS: (100 + 50) / 2 = 75; overall (3 * 100 + 75) / 4 = 93.75
    assert rows["INS: Insight"] == ["100.0%", "75.0%"] and rows["Overall"] == ["100.0%", "93.8%"]

    unexplained = await post_form(
        client, f"/moderation/{aid}/decision", {"outcome": "refer_back", "note": ""}
    )
    assert unexplained.status_code == 400
    assert error_summary(page(unexplained)) == [
        "Say what the assessor should look at again when you refer it back"
    ]
    assert page(unexplained).select_one("input[name=outcome][value=refer_back]").has_attr("checked")

    confirmed = await post_form(
        client, f"/moderation/{aid}/decision", {"outcome": "confirm", "note": "Agreed"}
    )
    assert confirmed.status_code == 303
    done = page(await client.get(confirmed.headers["location"]))
    assert done.select_one(".govuk-panel__body").get_text(strip=True) == "Excellence awarded"
    issued = done.select_one("a[href^='/certificates/']")
    assert issued is not None and issued["href"] == f"/certificates/{issued.get_text(strip=True)}"


async def test_lead_who_moderated_is_shown_why_they_cannot_decide(client: AsyncClient) -> None:
    team = await make_team()
    assessment = await build_assessment(
        team.organisation,
        state="moderated",
        framework_version=await small_framework(),
        assessor=team.lead,
    )
    await web_sign_in(client, team.lead)
    form = page(await client.get(f"/moderation/{assessment['id']}/decision"))
    assert (
        "cannot make its certification decision"
        in form.select_one(".govuk-warning-text").get_text()
    )
    assert form.select_one("form[action$='/decision']") is None


async def test_assessor_opens_the_departments_evidence_from_the_element(
    client: AsyncClient,
) -> None:
    team = await make_team()
    assessment = await submitted(team)
    aid = assessment["id"]
    await assign(client, team, aid)
    evidence = Evidence(
        organisation=team.organisation["id"],
        title="Customer vision 2026",
        filename="vision.pdf",
        media_type="application/pdf",
        size=5,
        sha256="0" * 64,
        uploaded_by=team.dept_lead["id"],
    )
    await evidence.save()
    response = (
        await Response.select(Response.id)
        .where((Response.assessment == aid) & (Response.element_code == "LEAD.1.1"))
        .first()
    )
    await ResponseEvidence(response=response["id"], evidence=evidence.id).save()

    sheet = (
        await client.get(f"/api/v1/assessments/{aid}/moderation", headers=team.as_("assessor"))
    ).json()
    linked = sheet["themes"][0]["elements"][0]["department"]["evidence"]
    assert [(e["title"], e["href"]) for e in linked] == [
        ("Customer vision 2026", f"/api/v1/evidence/{evidence.id}/file")
    ]

    await web_sign_in(client, team.assessor)
    element = page(await client.get(f"/moderation/{aid}/elements/LEAD.1.1"))
    link = element.find("a", string="Customer vision 2026")
    assert link["href"] == f"/evidence/{evidence.id}"
    assert (await client.get(link["href"])).status_code == 200


async def test_moderation_overview_shows_each_elements_statement_beside_its_code(
    client: AsyncClient,
) -> None:
    team = await make_team()
    assessment = await submitted(team)
    await assign(client, team, assessment["id"])
    await web_sign_in(client, team.lead)
    soup = page(await client.get(f"/moderation/{assessment['id']}"))
    cell = soup.select_one("#element-LEAD\\.1\\.1")
    assert cell is not None
    assert " ".join(cell.get_text(" ", strip=True).split()).startswith(
        "LEAD.1.1 Leaders publish a vision."
    )


async def test_an_assessors_open_assignments_come_before_the_finished_ones(
    client: AsyncClient,
) -> None:
    fw = await small_framework()
    assessor = await make_user("assessor")
    done = await make_organisation(name="Office Long Since Done")
    waiting = await make_organisation(name="Office Still Waiting")
    await make_assessment(done, "concluded", fw, default_score=2, assessor=assessor)
    await make_assessment(waiting, "in_review", fw, default_score=2, assessor=assessor)
    await web_sign_in(client, assessor)
    soup = page(await client.get("/moderation/assigned"))
    tables = [
        (t.caption.get_text(strip=True), [a.get_text(strip=True) for a in t.select("tbody a")])
        for t in soup.select("table")
    ]
    assert tables == [
        ("Your open assignments, oldest first", ["Office Still Waiting"]),
        ("Moderated and concluded", ["Office Long Since Done"]),
    ]
