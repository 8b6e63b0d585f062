"""Action plans over the JSON API (contract.md § Action plans): create, list, read, change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from httpx import AsyncClient

from app.audit.tables import AuditRecord
from tests.assessments.support import small_framework
from tests.factories import bearer, make_assessment, make_organisation, make_user

TODAY = dt.date.today()


async def department() -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    org = await make_organisation(slug="dept-a", name="Department A")
    lead = await make_user("dept_lead", org, name="Ada Lead")
    return org, lead, await bearer(lead)


async def test_create_read_and_list_with_overdue_first(client: AsyncClient) -> None:
    org, lead, headers = await department()
    contributor = await make_user("dept_contributor", org)
    later = await client.post(
        "/api/v1/organisations/dept-a/actions",
        json={"title": "Publish the standards", "due_on": str(TODAY + dt.timedelta(days=30))},
        headers=await bearer(contributor),
    )
    assert later.status_code == 201, later.text
    assert later.json()["status"] == "open"
    late = await client.post(
        "/api/v1/organisations/dept-a/actions",
        json={
            "title": "Train complaint handlers",
            "due_on": str(TODAY - dt.timedelta(days=1)),
            "owner": lead["email"],
            "description": "Everyone on the front desk",
        },
        headers=headers,
    )
    assert late.status_code == 201, late.text
    body = late.json()
    assert body["overdue"] is True
    assert body["owner"] == str(lead["id"])
    assert [h["status"] for h in body["history"]] == ["open"]
    listed = await client.get("/api/v1/organisations/dept-a/actions", headers=headers)
    assert [a["title"] for a in listed.json()] == [
        "Train complaint handlers",
        "Publish the standards",
    ]
    overdue = await client.get("/api/v1/organisations/dept-a/actions?overdue=true", headers=headers)
    assert [a["title"] for a in overdue.json()] == ["Train complaint handlers"]
    one = await client.get(f"/api/v1/actions/{body['id']}", headers=headers)
    assert one.json()["description"] == "Everyone on the front desk"
    audit = await AuditRecord.select().where(AuditRecord.action == "action.create")
    assert len(audit) == 2


async def test_status_changes_keep_history_and_done_needs_a_note(client: AsyncClient) -> None:
    _, _, headers = await department()
    created = await client.post(
        "/api/v1/organisations/dept-a/actions",
        json={"title": "Survey customers", "due_on": str(TODAY - dt.timedelta(days=3))},
        headers=headers,
    )
    path = f"/api/v1/actions/{created.json()['id']}"
    started = await client.patch(
        path, json={"status": "in_progress", "progress_note": "Survey drafted"}, headers=headers
    )
    assert started.status_code == 200
    assert started.json()["overdue"] is True
    bare = await client.patch(path, json={"status": "done"}, headers=headers)
    assert bare.status_code == 422
    assert "progress_note" in bare.json()["problems"]
    done = await client.patch(
        path, json={"status": "done", "progress_note": "Sent to 400 customers"}, headers=headers
    )
    assert done.status_code == 200
    body = done.json()
    assert body["overdue"] is False
    assert [(h["status"], h["progress_note"]) for h in body["history"]] == [
        ("open", ""),
        ("in_progress", "Survey drafted"),
        ("done", "Sent to 400 customers"),
    ]
    again = await client.patch(path, json={"status": "open"}, headers=headers)
    assert again.status_code == 409
    wrong = await client.patch(path, json={"status": "finished"}, headers=headers)
    assert wrong.status_code == 422
    audit = await AuditRecord.select().where(AuditRecord.action == "action.change")
    assert len(audit) == 2


async def test_owner_must_be_of_the_organisation_and_fields_are_checked(
    client: AsyncClient,
) -> None:
    _, _, headers = await department()
    stranger = await make_user("dept_lead", await make_organisation())
    answer = await client.post(
        "/api/v1/organisations/dept-a/actions",
        json={"title": " ", "due_on": "31/03/2027", "owner": str(stranger["id"])},
        headers=headers,
    )
    assert answer.status_code == 422
    assert set(answer.json()["problems"]) == {"title", "due_on", "owner"}


async def test_element_and_assessment_are_checked(client: AsyncClient) -> None:
    org, _, headers = await department()
    fv = await small_framework()
    assessment = await make_assessment(org, "concluded", framework_version=fv)
    other = await make_assessment(await make_organisation(), "concluded", framework_version=fv)
    due = str(TODAY + dt.timedelta(days=9))
    good = await client.post(
        "/api/v1/organisations/dept-a/actions",
        json={
            "title": "Vision",
            "due_on": due,
            "element": "LEAD.1.1",
            "assessment": str(assessment["id"]),
        },
        headers=headers,
    )
    assert good.status_code == 201, good.text
    assert good.json()["element"] == "LEAD.1.1"
    bad = await client.post(
        "/api/v1/organisations/dept-a/actions",
        json={
            "title": "X",
            "due_on": due,
            "element": "NOPE.1",
            "assessment": str(assessment["id"]),
        },
        headers=headers,
    )
    assert bad.status_code == 422 and "element" in bad.json()["problems"]
    theirs = await client.post(
        "/api/v1/organisations/dept-a/actions",
        json={"title": "X", "due_on": due, "assessment": str(other["id"])},
        headers=headers,
    )
    assert theirs.status_code == 422 and "assessment" in theirs.json()["problems"]


async def test_who_may_read_and_change(client: AsyncClient) -> None:
    org, _, headers = await department()
    created = await client.post(
        "/api/v1/organisations/dept-a/actions",
        json={"title": "Review letters", "due_on": str(TODAY)},
        headers=headers,
    )
    path = f"/api/v1/actions/{created.json()['id']}"
    other = await bearer(await make_user("dept_lead", await make_organisation()))
    assert (await client.get(path, headers=other)).status_code == 404
    assert (await client.patch(path, json={"title": "Mine"}, headers=other)).status_code == 404
    listing = "/api/v1/organisations/dept-a/actions"
    assert (await client.get(listing, headers=other)).status_code == 404
    lead_assessor = await bearer(await make_user("lead_assessor"))
    assert (await client.get(path, headers=lead_assessor)).status_code == 200
    assert (await client.patch(path, json={"title": "X"}, headers=lead_assessor)).status_code == 403
    idle = await bearer(await make_user("assessor"))
    assert (await client.get(path, headers=idle)).status_code == 404
    reviewer = await make_user("assessor")
    fv = await small_framework()
    await make_assessment(org, "in_review", framework_version=fv, assessor=reviewer)
    assert (await client.get(path, headers=await bearer(reviewer))).status_code == 200
    assert (await client.get(listing, headers=await bearer(reviewer))).status_code == 200
    publisher = await bearer(await make_user("publisher"))
    assert (await client.get(path, headers=publisher)).status_code == 404
