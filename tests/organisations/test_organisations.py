"""Organisations: admins create them (API, pages, CLI); everyone signed in can list them."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from app.audit.tables import AuditRecord
from app.organisations.kinds import KINDS
from app.organisations.tables import Organisation
from tests.accounts.support import error_summary, heading, page, post_form
from tests.factories import bearer, make_organisation, make_user, web_sign_in


async def test_admin_creates_an_agency_under_its_department(client: AsyncClient) -> None:
    admin = await make_user("admin")
    headers = await bearer(admin)
    dwp = await client.post(
        "/api/v1/organisations",
        json={"slug": "dwp", "name": "Department for Work and Pensions"},
        headers=headers,
    )
    assert dwp.status_code == 201 and dwp.json()["kind"] == "department"
    agency = await client.post(
        "/api/v1/organisations",
        json={
            "slug": "child-maintenance",
            "name": "Child Maintenance Service",
            "kind": "agency",
            "parent": "dwp",
        },
        headers=headers,
    )
    assert agency.status_code == 201
    assert agency.json() == {
        **agency.json(),
        "slug": "child-maintenance",
        "kind": "agency",
        "parent": "dwp",
    }
    audit = (
        await AuditRecord.select()
        .where(AuditRecord.action == "organisation.create")
        .order_by(AuditRecord.id)
    )
    assert [r["object_id"] for r in audit] == [dwp.json()["id"], agency.json()["id"]]


@pytest.mark.parametrize(
    "role", ["publisher", "lead_assessor", "assessor", "dept_lead", "dept_contributor"]
)
async def test_only_admins_create_but_everyone_signed_in_lists(
    client: AsyncClient, role: str
) -> None:
    org = await make_organisation(slug="hmrc", name="HM Revenue and Customs")
    user = await make_user(role, org)
    headers = await bearer(user)
    refused = await client.post(
        "/api/v1/organisations", json={"slug": "dwp", "name": "DWP"}, headers=headers
    )
    assert refused.status_code == 403
    listing = await client.get("/api/v1/organisations", headers=headers)
    assert [o["slug"] for o in listing.json()] == ["hmrc"]


async def test_bad_organisation_names_every_problem(client: AsyncClient) -> None:
    admin = await make_user("admin")
    response = await client.post(
        "/api/v1/organisations",
        json={"slug": "Not A Slug", "name": "", "kind": "quango", "parent": "nowhere"},
        headers=await bearer(admin),
    )
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert set(problems) == {"slug", "name", "kind", "parent"}
    assert problems["kind"] == f"Kind must be one of: {', '.join(KINDS)}"
    assert await Organisation.count() == 0


async def test_duplicate_slug_is_refused(client: AsyncClient) -> None:
    admin = await make_user("admin")
    await make_organisation(slug="dwp")
    response = await client.post(
        "/api/v1/organisations", json={"slug": "dwp", "name": "Again"}, headers=await bearer(admin)
    )
    assert response.status_code == 422
    assert response.json()["problems"] == {"slug": "An organisation with slug 'dwp' already exists"}


async def test_pages_list_and_add_organisations(client: AsyncClient) -> None:
    await make_organisation(slug="dwp", name="Department for Work and Pensions")
    await web_sign_in(client, await make_user("admin"))
    form = await client.get("/admin/organisations/new")
    assert heading(form) == "Add an organisation"
    kinds = [i["value"] for i in page(form).find_all("input", attrs={"name": "kind"})]
    assert kinds == list(KINDS)
    parents = [
        o["value"] for o in page(form).find("select", attrs={"name": "parent"}).find_all("option")
    ]
    assert parents == ["", "dwp"]

    created = await post_form(
        client,
        "/admin/organisations",
        {"name": "Jobcentre Plus", "slug": "jobcentre-plus", "kind": "agency", "parent": "dwp"},
    )
    assert created.status_code == 303 and created.headers["location"] == "/admin/organisations"
    listing = await client.get("/admin/organisations")
    rows = [
        [td.get_text(strip=True) for td in tr.find_all(["th", "td"])]
        for tr in page(listing).select("tbody tr")
    ]
    assert rows == [
        ["Department for Work and Pensions", "dwp", KINDS["department"], ""],
        ["Jobcentre Plus", "jobcentre-plus", KINDS["agency"], "dwp"],
    ]


async def test_add_organisation_form_shows_problems_and_keeps_what_was_typed(
    client: AsyncClient,
) -> None:
    await web_sign_in(client, await make_user("admin"))
    response = await post_form(
        client,
        "/admin/organisations",
        {"name": "Jobcentre Plus", "slug": "Job Centre", "kind": "agency"},
    )
    assert response.status_code == 400
    assert error_summary(response) == [
        "Enter a slug of lower-case letters, digits and single hyphens, like 'hm-revenue'"
    ]
    soup = page(response)
    assert soup.find("input", attrs={"name": "name"})["value"] == "Jobcentre Plus"
    assert soup.find("input", attrs={"name": "kind", "value": "agency"}).has_attr("checked")
    assert await Organisation.count() == 0
