"""Action plan pages as a department person sees them, reached by following links."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient

from app.actions.tables import PlanAction
from app.moderation.tables import Moderation
from tests.assessments.support import small_framework
from tests.assessments.test_pages import error_summary, post_form, soup, text
from tests.factories import make_assessment, make_organisation, make_user, web_sign_in


async def test_from_an_area_for_improvement_to_a_done_action(client: AsyncClient) -> None:
    fv = await small_framework()
    org = await make_organisation(slug="dept-p", name="Department P")
    lead = await make_user("dept_lead", org, name="Pat Lead")
    assessment = await make_assessment(org, "concluded", framework_version=fv)
    await Moderation.update({Moderation.improvement: "Publish the vision on the intranet"}).where(
        (Moderation.assessment == assessment["id"]) & (Moderation.element_code == "LEAD.1.1")
    )
    await web_sign_in(client, lead)
    dashboard = soup(await client.get("/assessments"))
    plan_link = dashboard.find("a", string="Your action plan")
    assert plan_link is not None
    page = soup(await client.get(f"/assessments/{assessment['id']}"))
    create = next((a for a in page.find_all("a") if "Create an action" in text(a)), None)
    assert create is not None, "no Create an action link by the area for improvement"
    assert "Publish the vision on the intranet" in text(page)
    form = soup(await client.get(create["href"]))
    assert form.find("input", {"name": "element"})["value"] == "LEAD.1.1"
    assert form.find("input", {"name": "assessment"})["value"] == str(assessment["id"])
    bad = await post_form(
        client,
        "/organisations/dept-p/actions",
        {
            "title": "",
            "element": "LEAD.1.1",
            "assessment": str(assessment["id"]),
            "due-day": "31",
            "due-month": "2",
            "due-year": "2027",
        },
    )
    assert bad.status_code == 400
    assert error_summary(soup(bad)) == [
        ("Enter a title for the action", "#title"),
        ("The due date must be a real date, like 31 3 2027", "#due-day"),
    ]
    assert soup(bad).find("input", {"name": "element"})["value"] == "LEAD.1.1"
    past = dt.date.today() - dt.timedelta(days=2)
    made = await post_form(
        client,
        "/organisations/dept-p/actions",
        {
            "title": "Publish the vision",
            "element": "LEAD.1.1",
            "assessment": str(assessment["id"]),
            "owner": str(lead["id"]),
            "due-day": str(past.day),
            "due-month": str(past.month),
            "due-year": str(past.year),
        },
    )
    assert made.status_code == 303, made.text
    shown = soup(await client.get(made.headers["location"]))
    assert text(shown.find("h1")) == "Publish the vision"
    assert "Overdue" in text(shown.find(class_="govuk-summary-list"))
    plan = soup(await client.get(plan_link["href"]))
    assert "1 action is overdue" in text(plan)
    row = plan.find("tbody").find("tr")
    assert "Publish the vision" in text(row) and "Overdue" in text(row) and "Pat Lead" in text(row)
    action_path = row.find("a")["href"]
    missing_note = await post_form(client, action_path, {"status": "done", "progress_note": ""})
    assert missing_note.status_code == 400
    assert "needs a progress note" in error_summary(soup(missing_note))[0][0]
    done = await post_form(
        client, action_path, {"status": "done", "progress_note": "On the intranet since Monday"}
    )
    assert done.status_code == 303
    final = soup(await client.get(action_path))
    assert "On the intranet since Monday" in text(final)
    assert "it no longer changes" in text(final)
    assert final.find("form", {"action": action_path}) is None
    stored = await PlanAction.select(PlanAction.status).first()
    assert stored["status"] == "done"


async def test_lead_assessor_reads_the_plan_without_changing_it(client: AsyncClient) -> None:
    org = await make_organisation(slug="dept-q", name="Department Q")
    lead = await make_user("dept_lead", org)
    await web_sign_in(client, lead)
    await post_form(
        client,
        "/organisations/dept-q/actions",
        {"title": "Call back within a day", "due-day": "1", "due-month": "1", "due-year": "2099"},
    )
    client.cookies.clear()
    await web_sign_in(client, await make_user("lead_assessor"))
    plan = soup(await client.get("/organisations/dept-q/actions"))
    assert "Call back within a day" in text(plan)
    assert plan.find("a", string="Create an action") is None
    action = soup(await client.get(plan.find("tbody").find("a")["href"]))
    assert action.find("form", {"action": lambda a: a and a.startswith("/actions/")}) is None
    assert (await client.get("/organisations/dept-q/actions/new")).status_code == 403


async def test_assigned_assessor_reaches_the_plan_from_the_moderation_page(
    client: AsyncClient,
) -> None:
    fv = await small_framework()
    org = await make_organisation(slug="dept-s", name="Department S")
    reviewer = await make_user("assessor")
    assessment = await make_assessment(org, "in_review", framework_version=fv, assessor=reviewer)
    await web_sign_in(client, await make_user("dept_lead", org))
    await post_form(
        client,
        "/organisations/dept-s/actions",
        {
            "title": "Answer letters in 10 days",
            "due-day": "1",
            "due-month": "1",
            "due-year": "2099",
        },
    )
    client.cookies.clear()
    await web_sign_in(client, reviewer)
    overview = soup(await client.get(f"/moderation/{assessment['id']}"))
    link = overview.find("a", string="Department S's action plan")
    assert link is not None
    plan = soup(await client.get(link["href"]))
    assert "Answer letters in 10 days" in text(plan)
    assert plan.find("a", string="Create an action") is None
