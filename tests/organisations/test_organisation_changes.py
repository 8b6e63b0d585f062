"""Changing an organisation (a department renamed, an agency moved to another department): the
API, the admin pages, the command line; the slug stays; certificates keep the name they were
issued to; every refusal names its field and changes nothing."""

from __future__ import annotations

import json
from typing import Any

from httpx import AsyncClient

from app.audit.tables import AuditRecord
from app.organisations.kinds import KINDS
from app.organisations.tables import Organisation
from tests.accounts.support import error_summary, heading, page, post_form
from tests.certificates.support import issued_certificate, pdf_text
from tests.command import charter
from tests.factories import bearer, make_organisation, make_user, web_sign_in


async def _details(client: AsyncClient, slug: str, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(f"/api/v1/organisations/{slug}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _changes() -> list[dict[str, Any]]:
    """Each organisation.change record's before and after."""
    rows = (
        await AuditRecord.select(AuditRecord.before, AuditRecord.after)
        .where(AuditRecord.action == "organisation.change")
        .order_by(AuditRecord.id)
    )
    return [{"before": json.loads(r["before"]), "after": json.loads(r["after"])} for r in rows]


async def test_admin_renames_moves_and_frees_an_agency_through_the_api(
    client: AsyncClient,
) -> None:
    await make_organisation(slug="dwp", name="Department for Work and Pensions")
    await make_organisation(slug="dfe", name="Department for Education")
    admin = await bearer(await make_user("admin"))
    created = await client.post(
        "/api/v1/organisations",
        json={"slug": "csa", "name": "Child Support Agency", "kind": "agency", "parent": "dwp"},
        headers=admin,
    )
    assert created.status_code == 201

    renamed = await client.patch(
        "/api/v1/organisations/csa",
        json={"name": "  Child Maintenance Service ", "parent": "dfe"},
        headers=admin,
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json() == {
        "id": created.json()["id"],
        "slug": "csa",
        "name": "Child Maintenance Service",
        "kind": "agency",
        "parent": "dfe",
    }
    assert await _details(client, "csa", admin) == renamed.json()
    listed = await client.get("/api/v1/organisations", headers=admin)
    assert [o["name"] for o in listed.json()] == [
        "Child Maintenance Service",
        "Department for Education",
        "Department for Work and Pensions",
    ]

    # Left out: kept; null parent: it stands alone.
    freed = await client.patch(
        "/api/v1/organisations/csa", json={"kind": "other", "parent": None}, headers=admin
    )
    assert freed.json() | {"id": ""} == {
        "id": "",
        "slug": "csa",
        "name": "Child Maintenance Service",
        "kind": "other",
        "parent": None,
    }
    same = await client.patch("/api/v1/organisations/csa", json={}, headers=admin)
    assert same.status_code == 200 and same.json() == freed.json()

    changes = await _changes()
    assert len(changes) == 2  # nothing recorded for a change that changed nothing
    assert [(c["before"]["name"], c["after"]["name"]) for c in changes] == [
        ("Child Support Agency", "Child Maintenance Service"),
        ("Child Maintenance Service", "Child Maintenance Service"),
    ]
    assert [(c["before"]["parent"], c["after"]["parent"]) for c in changes] == [
        ("dwp", "dfe"),
        ("dfe", None),
    ]


async def test_bad_changes_name_each_problem_and_change_nothing(client: AsyncClient) -> None:
    await make_organisation(slug="dwp", name="Department for Work and Pensions")
    admin = await bearer(await make_user("admin"))
    for slug, parent in (("jcp", "dwp"), ("jcp-north", "jcp")):
        created = await client.post(
            "/api/v1/organisations",
            json={"slug": slug, "name": f"Office {slug}", "kind": "agency", "parent": parent},
            headers=admin,
        )
        assert created.status_code == 201
    before = await _details(client, "dwp", admin)

    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"name": "   "}, {"name": "Enter the organisation's name"}),
        ({"name": "x" * 201}, {"name": "Name must be 200 characters or fewer"}),
        ({"name": "\u200b\u200e \u200b"}, {"name": "Enter the organisation's name"}),
        (
            {"name": "Office for\nData"},
            {"name": "Name must be on one line, without tabs or other control characters"},
        ),
        ({"kind": "quango"}, {"kind": f"Kind must be one of: {', '.join(KINDS)}"}),
        ({"parent": "nowhere"}, {"parent": "No organisation has slug 'nowhere'"}),
        ({"parent": "dwp"}, {"parent": "An organisation cannot be part of itself"}),
        (
            {"parent": "jcp-north"},
            {"parent": "'jcp-north' is part of this organisation, so it cannot also contain it"},
        ),
        (
            {"name": "", "kind": "quango", "parent": "jcp"},
            {
                "name": "Enter the organisation's name",
                "kind": f"Kind must be one of: {', '.join(KINDS)}",
                "parent": "'jcp' is part of this organisation, so it cannot also contain it",
            },
        ),
    ]
    for body, problems in cases:
        refused = await client.patch("/api/v1/organisations/dwp", json=body, headers=admin)
        assert refused.status_code == 422, body
        assert refused.json()["problems"] == problems, body
    wrong_type = await client.patch("/api/v1/organisations/dwp", json={"name": 7}, headers=admin)
    assert wrong_type.status_code == 422 and list(wrong_type.json()["problems"]) == ["name"]
    missing = await client.patch("/api/v1/organisations/nowhere", json={}, headers=admin)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No organisation has slug 'nowhere'"
    for role in ("publisher", "lead_assessor", "dept_lead"):
        other = await bearer(await make_user(role, await make_organisation()))
        forbidden = await client.patch(
            "/api/v1/organisations/dwp", json={"name": "Mine now"}, headers=other
        )
        assert forbidden.status_code == 403, role
        assert await _details(client, "dwp", other) == before  # they may read it
    assert await _details(client, "dwp", admin) == before
    assert await _changes() == []


async def test_admin_pages_find_and_change_an_organisation(client: AsyncClient) -> None:
    await make_organisation(slug="dwp", name="Department for Work and Pensions")
    await make_organisation(slug="dfe", name="Department for Education")
    await make_organisation(slug="dvla", name="Driver and Vehicle Licensing Agency", kind="agency")
    await web_sign_in(client, await make_user("admin"))

    found = await client.get("/admin/organisations", params={"q": "DEPARTMENT  work"})
    names = [a.get_text(strip=True) for a in page(found).select("tbody a")]
    assert names == ["Department for Work and Pensions"]
    assert "1 organisation matches “department work”." in page(found).get_text(" ", strip=True)
    by_slug = await client.get("/admin/organisations", params={"q": "dvla"})
    assert [a.get_text(strip=True) for a in page(by_slug).select("tbody a")] == [
        "Driver and Vehicle Licensing Agency"
    ]
    too_long = await client.get("/admin/organisations", params={"q": "x" * 201})
    assert too_long.status_code == 400
    assert error_summary(too_long) == ["Search for 200 characters or fewer"]
    assert page(too_long).title.get_text() == "Error: Organisations \u2013 Charter"
    assert len(page(too_long).select("tbody tr")) == 3  # everything listed beside the message

    form = await client.get("/admin/organisations/dvla")
    assert heading(form) == "Driver and Vehicle Licensing Agency"
    soup = page(form)
    assert soup.find("input", attrs={"name": "name"})["value"] == (
        "Driver and Vehicle Licensing Agency"
    )
    assert soup.find("input", attrs={"name": "kind", "value": "agency"}).has_attr("checked")
    options = soup.find("select", attrs={"name": "parent"}).find_all("option")
    assert [o["value"] for o in options] == ["", "dfe", "dwp"]  # not itself

    refused = await post_form(
        client, "/admin/organisations/dvla", {"name": "", "kind": "agency", "parent": "dfe"}
    )
    assert refused.status_code == 400
    assert error_summary(refused) == ["Enter the organisation's name"]
    assert (
        page(refused).title.get_text()
        == "Error: Driver and Vehicle Licensing Agency \u2013 Charter"
    )
    kept = page(refused)
    assert kept.find("option", attrs={"value": "dfe"}).has_attr("selected")
    assert (await client.get("/api/v1/organisations/dvla")).json()["parent"] is None

    saved = await post_form(
        client,
        "/admin/organisations/dvla",
        {"name": "DVLA", "kind": "agency", "parent": "dfe"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/admin/organisations?changed=dvla"
    listing = await client.get(saved.headers["location"])
    banner = page(listing).select_one(".govuk-notification-banner")
    assert banner is not None and "Changes to DVLA saved." in banner.get_text(" ", strip=True)
    rows = [
        [td.get_text(strip=True) for td in tr.find_all(["th", "td"])]
        for tr in page(listing).select("tbody tr")
    ]
    assert ["DVLA", "dvla", KINDS["agency"], "dfe"] in rows
    unknown = await client.get("/admin/organisations/nowhere")
    assert unknown.status_code == 404
    no_token = await client.post("/admin/organisations/dvla", data={"name": "Hijacked"})
    assert no_token.status_code == 403
    assert (await client.get("/api/v1/organisations/dvla")).json()["name"] == "DVLA"


async def test_only_admins_see_the_change_page(client: AsyncClient) -> None:
    org = await make_organisation(slug="dwp")
    await web_sign_in(client, await make_user("dept_lead", org))
    assert (await client.get("/admin/organisations/dwp")).status_code == 403
    refused = await post_form(client, "/admin/organisations/dwp", {"name": "Ours now"})
    assert refused.status_code == 403
    assert (await client.get("/api/v1/organisations/dwp")).json()["name"] == org["name"]


async def test_a_certificate_keeps_the_name_it_was_issued_to(client: AsyncClient) -> None:
    org, _, certificate = await issued_certificate()
    admin = await bearer(await make_user("admin"))
    renamed = await client.patch(
        f"/api/v1/organisations/{org['slug']}",
        json={"name": "Ministry of Worked Examples"},
        headers=admin,
    )
    assert renamed.status_code == 200

    public = (await client.get(f"/api/v1/certificates/{certificate['id']}")).json()
    assert public["organisation_name"] == "Ministry of Examples"
    assert public["organisation_renamed_to"] == "Ministry of Worked Examples"
    assert public["organisation"] == org["slug"]
    verify = await client.get(f"/verify/{certificate['id']}")
    organisation_row = page(verify).find("dt", string=lambda s: s and "Organisation" in s)
    assert organisation_row is not None
    assert organisation_row.find_next("dd").get_text(" ", strip=True) == (
        "Ministry of Examples (now called Ministry of Worked Examples)"
    )
    pdf = await client.get(f"/api/v1/certificates/{certificate['id']}.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "Ministry of Examples" in text and "Worked" not in text


async def test_the_command_line_changes_an_organisation_and_names_what_is_wrong(
    client: AsyncClient,
) -> None:
    await make_organisation(slug="dwp", name="Department for Work and Pensions")
    await make_organisation(slug="jcp", name="Jobcentre", kind="agency")
    admin = await bearer(await make_user("admin"))

    done = charter("organisations", "change", "--slug", "jcp", "--name", "Jobcentre Plus",
                   "--parent", "dwp")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "jcp: Jobcentre Plus (agency, part of dwp)"
    freed = charter("organisations", "change", "--slug", "jcp", "--no-parent")
    assert freed.returncode == 0 and freed.stdout.strip() == "jcp: Jobcentre Plus (agency)"

    bad = charter("organisations", "change", "--slug", "jcp", "--name", " ", "--kind", "quango")
    assert bad.returncode == 1
    assert bad.stderr.splitlines() == [
        "error: name: Enter the organisation's name",
        f"error: kind: Kind must be one of: {', '.join(KINDS)}",
    ]
    unknown = charter("organisations", "change", "--slug", "nowhere", "--name", "X")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: No organisation has slug 'nowhere'"
    nothing = charter("organisations", "change", "--slug", "jcp")
    assert nothing.returncode == 2 and "Give --name, --kind, --parent or --no-parent" in (
        nothing.stderr
    )
    both = charter("organisations", "change", "--slug", "jcp", "--parent", "dwp", "--no-parent")
    assert both.returncode == 2 and "not both" in both.stderr
    assert await _details(client, "jcp", admin) | {"id": ""} == {
        "id": "",
        "slug": "jcp",
        "name": "Jobcentre Plus",
        "kind": "agency",
        "parent": None,
    }
    assert len(await _changes()) == 2


async def test_a_thousand_organisations_are_paged_and_a_parent_past_them_is_kept(
    client: AsyncClient,
) -> None:
    await Organisation.insert(
        *[Organisation(slug=f"council-{n:04}", name=f"Council {n:04}") for n in range(1000)]
    )
    parent = await make_organisation(slug="zz-department", name="Zzz Department")
    admin = await bearer(await make_user("admin"))
    child = await client.post(
        "/api/v1/organisations",
        json={
            "slug": "aa-agency",
            "name": "Aaa Agency",
            "kind": "agency",
            "parent": "zz-department",
        },
        headers=admin,
    )
    assert child.status_code == 201
    await web_sign_in(client, await make_user("admin"))

    listing = await client.get("/admin/organisations")
    assert len(page(listing).select("tbody tr")) == 100
    assert page(listing).select_one("caption").get_text(strip=True) == "1002 organisations"
    last = await client.get("/admin/organisations", params={"page": 11})
    assert [a.get_text(strip=True) for a in page(last).select("tbody a")] == [
        "Council 0999",
        "Zzz Department",
    ]
    pages = [a.get_text(strip=True) for a in page(last).select(".govuk-pagination__item a")]
    assert pages[0] == "1" and pages[-1] == "11"
    beyond = await client.get("/admin/organisations", params={"page": 99})
    assert [a.get_text(strip=True) for a in page(beyond).select("tbody a")][-1] == "Zzz Department"
    councils = await client.get("/admin/organisations", params={"q": "council"})
    assert "1000 organisations match “council”." in page(councils).get_text(" ", strip=True)
    following = page(councils).select_one(".govuk-pagination__next a")["href"]
    assert following == "/admin/organisations?q=council&page=2"
    second = await client.get(following)
    assert page(second).select_one("tbody a").get_text(strip=True) == "Council 0100"
    found = await client.get("/admin/organisations", params={"q": "zzz"})
    assert [a.get_text(strip=True) for a in page(found).select("tbody a")] == [parent["name"]]

    form = await client.get("/admin/organisations/aa-agency")
    chosen = page(form).find("select", attrs={"name": "parent"}).find("option", selected=True)
    assert chosen is not None and chosen["value"] == "zz-department"
    saved = await post_form(
        client, "/admin/organisations/aa-agency", {"name": "Aaa Agency", "kind": "agency",
                                                   "parent": chosen["value"]},
    )  # fmt: skip
    assert saved.status_code == 303
    assert (await _details(client, "aa-agency", admin))["parent"] == "zz-department"

    refused = await post_form(
        client, "/admin/organisations", {"name": "", "slug": "bb-agency", "kind": "agency",
                                         "parent": "zz-department"},
    )  # fmt: skip
    assert refused.status_code == 400
    kept = page(refused).find("select", attrs={"name": "parent"}).find("option", selected=True)
    assert kept is not None and kept["value"] == "zz-department"
