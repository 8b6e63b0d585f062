"""The department's pages as a person sees them: dashboard, start, task list, element, conflict,
check your answers and submit."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from httpx import AsyncClient

from app.assessments.tables import Assessment, Response
from tests.assessments.support import CODES, make_evidence, small_framework
from tests.factories import csrf_token, make_assessment, make_organisation, make_user, web_sign_in


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def text(node: Any) -> str:
    return " ".join(node.get_text(" ").split()) if node is not None else ""


async def signed_in(
    client: AsyncClient, role: str = "dept_lead", org: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    org = org or await make_organisation(name="Department for Tests")
    user = await make_user(role, org)
    await web_sign_in(client, user)
    return org, user


async def post_form(client: AsyncClient, path: str, data: dict[str, Any]) -> Any:
    token = await csrf_token(client)
    return await client.post(path, data={**data, "_csrf_token": token})


async def draft(
    client: AsyncClient, role: str = "dept_lead"
) -> tuple[dict[str, Any], dict[str, Any], str]:
    fv = await small_framework()
    org, user = await signed_in(client, role)
    assessment = await make_assessment(org, "draft", framework_version=fv)
    return org, user, f"/assessments/{assessment['id']}"


def error_summary(page: BeautifulSoup) -> list[tuple[str, str]]:
    box = page.find(class_="govuk-error-summary")
    assert box is not None, "no error summary"
    return [(text(a), a["href"]) for a in box.find_all("a")]


async def test_dashboard_shows_assessments_with_status_progress_and_continue_not_start(
    client: AsyncClient,
) -> None:
    fv = await small_framework()
    org, _ = await signed_in(client)
    await make_assessment(org, "draft", framework_version=fv, answers={"INS.1.1": 1})
    page = soup(await client.get("/assessments"))
    assert text(page.find("h1")) == "Assessments"
    assert text(page.find(class_="govuk-caption-l")) == "Department for Tests"
    rows = page.select("tbody tr")
    assert len(rows) == 1
    assert "Small Standard" in text(rows[0]) and "Draft" in text(rows[0])
    assert "1 of 3 elements completed" in text(rows[0])
    # The one framework already has a draft: carry on with it, never start a second.
    assert page.find("a", string=lambda s: s and s.strip() == "Start a new assessment") is None
    assert (
        page.find("a", string=lambda s: s and s.strip() == "Continue the draft")["href"]
        == (rows[0].find("a")["href"])
    )


async def test_contributor_has_no_start_button(client: AsyncClient) -> None:
    await signed_in(client, "dept_contributor")
    page = soup(await client.get("/assessments"))
    assert page.find("a", string=lambda s: s and s.strip() == "Start a new assessment") is None
    assert (await client.get("/assessments/start")).status_code == 404


async def test_start_page_chooses_the_latest_version_and_starts_a_draft(
    client: AsyncClient,
) -> None:
    await small_framework("1.0")
    latest = await small_framework("2.0")
    org, _ = await signed_in(client)
    page = soup(await client.get("/assessments/start"))
    checked = page.find("input", attrs={"name": "framework", "checked": True})
    assert checked["value"] == str(latest["id"])
    assert "(latest)" in text(
        page.find("label", attrs={"for": checked["id"]}).find_next(class_="govuk-hint")
    )
    response = await post_form(client, "/assessments/start", {"framework": str(latest["id"])})
    assert response.status_code == 303
    row = await Assessment.select().where(Assessment.organisation == org["id"]).first()
    assert response.headers["location"] == f"/assessments/{row['id']}"
    assert row["framework_version"] == latest["id"] and row["status"] == "draft"


async def test_start_without_a_choice_shows_the_error(client: AsyncClient) -> None:
    await small_framework()
    await signed_in(client)
    response = await post_form(client, "/assessments/start", {})
    assert response.status_code == 400
    page = soup(response)
    assert page.title.get_text().startswith("Error: ")
    assert error_summary(page) == [("Choose a framework", "#framework")]


async def test_task_list_shows_each_element_state_and_progress(client: AsyncClient) -> None:
    fv = await small_framework()
    org, user = await signed_in(client)
    assessment = await make_assessment(org, "draft", framework_version=fv, answers={"LEAD.1.2": 1})
    await Response(
        assessment=assessment["id"],
        element_code="LEAD.1.1",
        narrative="Notes so far",
        updated_by=user["id"],
    ).save()
    page = soup(await client.get(f"/assessments/{assessment['id']}"))
    items = {
        text(li.find("a")).split()[0]: text(li.find(class_="govuk-task-list__status"))
        for li in page.select(".govuk-task-list__item")
    }
    assert items == {"LEAD.1.1": "In progress", "LEAD.1.2": "Completed", "INS.1.1": "Not started"}
    assert "You have completed 1 of 3 elements." in text(page.find("main"))
    assert [text(h) for h in page.select("h2.govuk-heading-m")][:2] == [
        "1. Leadership",
        "2. Insight",
    ]
    assert (
        page.find("a", string=lambda s: s and s.strip() == "Check your answers")["href"]
        == f"/assessments/{assessment['id']}/check"
    )


async def test_element_page_shows_statement_guidance_scale_and_evidence(
    client: AsyncClient,
) -> None:
    org, user, base = await draft(client)
    await make_evidence(org, user, title="Board minutes March")
    page = soup(await client.get(f"{base}/elements/LEAD.1.1"))
    assert text(page.find("h1")) == "LEAD.1.1: Leaders publish a vision for customer service."
    assert "Look for a board paper that adopts it." in text(page.find("main"))
    radios = page.select("input[name=score]")
    assert [r["value"] for r in radios] == ["0", "1", "2", "na"]
    first_hint = (
        page.find(id=radios[0]["aria-describedby"]) if radios[0].get("aria-describedby") else None
    )
    assert text(first_hint) == "Nothing is done yet."
    # The justification is revealed by the "Not applicable" radio (GOV.UK's conditional reveal).
    not_applicable = page.find("input", attrs={"name": "score", "value": "na"})
    revealed = page.find(id=not_applicable["data-aria-controls"])
    assert "govuk-radios__conditional--hidden" in revealed["class"]
    assert revealed.find("textarea", attrs={"name": "justification"}) is not None
    assert page.find("textarea", attrs={"name": "narrative"}) is not None
    boxes = page.select("input[name=evidence]")
    assert (
        len(boxes) == 1
        and text(page.find("label", attrs={"for": boxes[0]["id"]})) == "Board minutes March"
    )
    assert page.find("input", attrs={"name": "revision"})["value"] == "0"
    form = page.find("form", attrs={"data-autosave-url": True})
    assert form["data-autosave-url"] == f"/api/v1{base}/responses/LEAD.1.1"
    assert page.find("script", src="/assets/assessments/autosave.js") is not None


async def test_save_and_continue_saves_and_goes_to_the_next_element(client: AsyncClient) -> None:
    org, user, base = await draft(client)
    evidence = await make_evidence(org, user)
    response = await post_form(
        client,
        f"{base}/elements/LEAD.1.1",
        {
            "score": "2",
            "narrative": "We publish it",
            "evidence": str(evidence["id"]),
            "revision": "0",
            "action": "continue",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{base}/elements/LEAD.1.2"
    page = soup(await client.get(f"{base}/elements/LEAD.1.1"))
    assert page.find("input", attrs={"name": "score", "value": "2"}).has_attr("checked")
    assert text(page.find("textarea", attrs={"name": "narrative"})) == "We publish it"
    assert page.find("input", attrs={"name": "evidence"}).has_attr("checked")
    assert page.find("input", attrs={"name": "revision"})["value"] == "1"
    last = await post_form(client, f"{base}/elements/INS.1.1", {"score": "1", "revision": "0"})
    assert last.headers["location"] == base


async def test_errors_are_summarised_and_nothing_typed_is_lost(client: AsyncClient) -> None:
    _, _, base = await draft(client)
    response = await post_form(
        client,
        f"{base}/elements/INS.1.1",
        {
            "score": "na",
            "justification": "  ",
            "narrative": "A long narrative I typed",
            "revision": "0",
        },
    )
    assert response.status_code == 400
    page = soup(response)
    assert error_summary(page) == [
        ("Explain why INS.1.1 does not apply to your organisation", "#justification"),
        (
            "You chose not applicable: move this text into why it does not apply, "
            "or choose a level instead",
            "#narrative",
        ),
    ]
    assert "Explain why INS.1.1" in text(page.find(id="justification-error"))
    revealed = page.find(id="justification").find_parent(class_="govuk-radios__conditional")
    assert "govuk-radios__conditional--hidden" not in revealed["class"]  # N/A is chosen
    assert text(page.find("textarea", attrs={"name": "narrative"})) == "A long narrative I typed"
    assert page.find("input", attrs={"name": "score", "value": "na"}).has_attr("checked")
    assert await Response.count() == 0


async def test_stale_revision_shows_both_versions_side_by_side(client: AsyncClient) -> None:
    org, _, base = await draft(client)
    other = await make_user("dept_contributor", org, name="Grace Hopper")
    assessment_id = base.rsplit("/", 1)[1]
    await Response(
        assessment=assessment_id,
        element_code="INS.1.1",
        score=0,
        narrative="Their words",
        revision=3,
        updated_by=other["id"],
    ).save()
    response = await post_form(
        client,
        f"{base}/elements/INS.1.1",
        {
            "score": "2",
            "narrative": "My words",
            "revision": "2",
        },
    )
    assert response.status_code == 409
    page = soup(response)
    assert "Grace Hopper saved it" in text(page.find("main"))
    columns = page.select(".govuk-grid-column-one-half")
    assert (
        "Your version" in text(columns[0])
        and "My words" in text(columns[0])
        and "2: Established" in text(columns[0])
    )
    assert "The saved version" in text(columns[1]) and "Their words" in text(columns[1])
    keep = page.find("form", attrs={"action": f"{base}/elements/INS.1.1"})
    hidden = {i["name"]: i["value"] for i in keep.find_all("input", type="hidden")}
    assert (
        hidden["revision"] == "3" and hidden["narrative"] == "My words" and hidden["score"] == "2"
    )
    kept = await post_form(
        client, f"{base}/elements/INS.1.1", {k: v for k, v in hidden.items() if k != "_csrf_token"}
    )
    assert kept.status_code == 303
    row = await Response.select().where(Response.element_code == "INS.1.1").first()
    assert (row["narrative"], row["score"], row["revision"]) == ("My words", 2, 4)


async def test_check_answers_lists_incomplete_elements_with_links(client: AsyncClient) -> None:
    fv = await small_framework()
    org, _ = await signed_in(client)
    assessment = await make_assessment(org, "draft", framework_version=fv, answers={"INS.1.1": 2})
    base = f"/assessments/{assessment['id']}"
    page = soup(await client.get(f"{base}/check"))
    assert text(page.find("h1")) == "Check your answers"
    links = [(text(a), a["href"]) for a in page.select("#incomplete a")]
    assert links == [
        ("LEAD.1.1", f"{base}/elements/LEAD.1.1"),
        ("LEAD.1.2", f"{base}/elements/LEAD.1.2"),
    ]
    keys = [text(k) for k in page.select(".govuk-summary-list__key")]
    assert keys[0].startswith("LEAD.1.1") and len(keys) == 3
    change = page.select_one(f'.govuk-summary-list__actions a[href="{base}/elements/INS.1.1"]')
    assert text(change) == "Change answer to INS.1.1"
    assert page.find("button", string=lambda s: s and "Submit assessment" in s) is not None


async def test_submitting_an_incomplete_assessment_links_to_each_element(
    client: AsyncClient,
) -> None:
    fv = await small_framework()
    org, _ = await signed_in(client)
    assessment = await make_assessment(
        org, "draft", framework_version=fv, answers={"INS.1.1": 2, "LEAD.1.1": 2}
    )
    base = f"/assessments/{assessment['id']}"
    response = await post_form(client, f"{base}/submit", {})
    assert response.status_code == 400
    assert error_summary(soup(response)) == [
        ("LEAD.1.1: Needs at least one evidence item linked to it", f"{base}/elements/LEAD.1.1"),
        (
            "LEAD.1.2: Not answered: choose a level on the scale, or not applicable",
            f"{base}/elements/LEAD.1.2",
        ),
    ]


async def test_submitting_a_complete_assessment_confirms_it(client: AsyncClient) -> None:
    fv = await small_framework()
    org, user = await signed_in(client)
    assessment = await make_assessment(
        org, "draft", framework_version=fv, answers=dict.fromkeys(CODES, 2)
    )
    evidence = await make_evidence(org, user)
    base = f"/assessments/{assessment['id']}"
    saved = await post_form(
        client,
        f"{base}/elements/LEAD.1.1",
        {"score": "2", "evidence": str(evidence["id"]), "revision": "1"},
    )
    assert saved.status_code == 303
    response = await post_form(client, f"{base}/submit", {})
    assert response.status_code == 303 and response.headers["location"] == f"{base}/submitted"
    page = soup(await client.get(f"{base}/submitted"))
    assert "Assessment submitted" in text(page.find(class_="govuk-panel"))
    task_list = soup(await client.get(base))
    assert "its answers can no longer be changed" in text(task_list.find("main"))
    element = soup(await client.get(f"{base}/elements/INS.1.1"))
    assert element.find("form", attrs={"data-autosave-url": True}) is None
    assert "2: Established" in text(element.find(class_="govuk-summary-list"))


async def test_contributor_sees_why_they_cannot_submit(client: AsyncClient) -> None:
    fv = await small_framework()
    org, _ = await signed_in(client, "dept_contributor")
    assessment = await make_assessment(org, "draft", framework_version=fv)
    base = f"/assessments/{assessment['id']}"
    page = soup(await client.get(f"{base}/check"))
    assert "Only a department lead can submit" in text(page.find(id="cannot-submit"))
    assert page.find("button", string=lambda s: s and "Submit assessment" in s) is None
    assert (await post_form(client, f"{base}/submit", {})).status_code == 403


async def test_returned_assessment_shows_the_reason_and_elements_to_revisit(
    client: AsyncClient,
) -> None:
    fv = await small_framework()
    org, _ = await signed_in(client)
    assessment = await make_assessment(org, "returned", framework_version=fv)
    await Assessment.update(
        {
            Assessment.return_reason: "Board minutes are missing.",
            Assessment.return_elements: ["LEAD.1.1"],
        }
    ).where(Assessment.id == assessment["id"])
    base = f"/assessments/{assessment['id']}"
    page = soup(await client.get(base))
    banner = page.find(class_="govuk-notification-banner")
    assert "Board minutes are missing." in text(banner)
    assert banner.find("a", href=f"{base}/elements/LEAD.1.1") is not None
    hints = [text(h) for h in page.select(".govuk-task-list__hint")]
    assert hints == ["The assessor asked you to revisit this element"]


async def test_another_organisations_assessment_is_not_found(client: AsyncClient) -> None:
    fv = await small_framework()
    await signed_in(client)
    theirs = await make_assessment(await make_organisation(), "draft", framework_version=fv)
    assert (await client.get(f"/assessments/{theirs['id']}")).status_code == 404
    assert (await client.get(f"/assessments/{theirs['id']}/elements/INS.1.1")).status_code == 404


async def test_signed_out_pages_send_people_to_sign_in(client: AsyncClient) -> None:
    response = await client.get("/assessments")
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"].startswith("/sign-in?next=/assessments")


async def test_autosave_script_is_served_as_javascript(client: AsyncClient) -> None:
    response = await client.get("/assets/assessments/autosave.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "x-csrf-token" in response.text
