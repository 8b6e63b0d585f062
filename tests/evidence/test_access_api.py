"""Who may see, download, list and delete evidence; frozen evidence; where each item is used."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from app.assessments.tables import Response, ResponseEvidence
from app.audit.tables import AuditRecord
from app.evidence import usage
from app.evidence.tables import Evidence
from app.settings import Settings
from tests.evidence import samples
from tests.factories import bearer, make_assessment, make_organisation, make_user


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    org: dict[str, Any],
    content: bytes | None = None,
    filename: str = "policy.pdf",
    title: str = "Policy",
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/evidence",
        headers=headers,
        data={"organisation": org["slug"], "title": title},
        files={"file": (filename, content or samples.pdf(title), "application/pdf")},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def link(
    assessment: dict[str, Any], evidence_id: str, element_code: str = "LEAD.1.1"
) -> None:
    """Link evidence to the assessment's response to an element, as the element page would."""
    response = (
        await Response.select(Response.id)
        .where((Response.assessment == assessment["id"]) & (Response.element_code == element_code))
        .first()
    )
    if response is None:
        row = Response(
            assessment=assessment["id"], element_code=element_code, score=2, narrative=""
        )
        await row.save()
        response = {"id": row.id}
    await ResponseEvidence(response=response["id"], evidence=evidence_id).save()


@pytest.fixture
async def dept(client: httpx.AsyncClient) -> dict[str, Any]:
    org = await make_organisation()
    lead = await make_user("dept_lead", org)
    headers = await bearer(lead)
    item = await upload(client, headers, org)
    return {"org": org, "user": lead, "headers": headers, "item": item}


@pytest.mark.parametrize("role", ["dept_lead", "dept_contributor"])
async def test_department_staff_see_their_own_evidence(
    client: httpx.AsyncClient, dept: dict[str, Any], role: str
) -> None:
    colleague = await make_user(role, dept["org"])
    response = await client.get(
        f"/api/v1/evidence/{dept['item']['id']}", headers=await bearer(colleague)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Policy"
    assert body["organisation"] == dept["org"]["slug"]
    assert body["used_in"] == []
    assert body["frozen"] is False


async def test_admin_sees_any_evidence(client: httpx.AsyncClient, dept: dict[str, Any]) -> None:
    admin = await make_user("admin")
    response = await client.get(
        f"/api/v1/evidence/{dept['item']['id']}", headers=await bearer(admin)
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "role", ["dept_lead", "dept_contributor", "assessor", "lead_assessor", "publisher"]
)
async def test_others_get_404_for_an_unlinked_item_and_its_file(
    client: httpx.AsyncClient, dept: dict[str, Any], role: str
) -> None:
    stranger = await make_user(role, await make_organisation())
    headers = await bearer(stranger)
    item_id = dept["item"]["id"]
    for path in (f"/api/v1/evidence/{item_id}", f"/api/v1/evidence/{item_id}/file"):
        response = await client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.json()["detail"] == "No evidence item has that id"
    deleting = await client.delete(f"/api/v1/evidence/{item_id}", headers=headers)
    assert deleting.status_code == 404
    assert await Evidence.count() == 1


async def test_unknown_id_is_404(client: httpx.AsyncClient, dept: dict[str, Any]) -> None:
    response = await client.get(
        "/api/v1/evidence/6c0b1b9e-0000-4000-8000-000000000000", headers=dept["headers"]
    )
    assert response.status_code == 404


async def test_assigned_assessor_sees_evidence_linked_to_their_assessment(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    assessor = await make_user("assessor")
    other_assessor = await make_user("assessor")
    assessment = await make_assessment(dept["org"], state="in_review", assessor=assessor)
    await link(assessment, dept["item"]["id"])
    path = f"/api/v1/evidence/{dept['item']['id']}"
    assigned = await client.get(path, headers=await bearer(assessor))
    download = await client.get(path + "/file", headers=await bearer(assessor))
    unassigned = await client.get(path, headers=await bearer(other_assessor))
    assert assigned.status_code == 200
    assert assigned.json()["used_in"] == [
        {
            "assessment": str(assessment["id"]),
            "element": "LEAD.1.1",
            "status": "in_review",
            "framework": "Public Service Customer Standard",
        }
    ]
    assert assigned.json()["frozen"] is True
    assert download.status_code == 200
    assert unassigned.status_code == 404


async def test_lead_assessor_sees_evidence_of_submitted_assessments_but_not_drafts(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    lead_assessor = await make_user("lead_assessor")
    draft = await make_assessment(dept["org"], state="draft", created_by=dept["user"])
    await link(draft, dept["item"]["id"])
    path = f"/api/v1/evidence/{dept['item']['id']}"
    assert (await client.get(path, headers=await bearer(lead_assessor))).status_code == 404
    submitted = await make_assessment(dept["org"], state="submitted", created_by=dept["user"])
    await link(submitted, dept["item"]["id"])
    assert (await client.get(path, headers=await bearer(lead_assessor))).status_code == 200


async def test_download_is_a_safe_attachment_with_the_exact_bytes(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    content = samples.png()
    item = await upload(
        client, dept["headers"], dept["org"], content, filename="Plan d'accès é.png"
    )
    response = await client.get(f"/api/v1/evidence/{item['id']}/file", headers=dept["headers"])
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-length"] == str(len(content))
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Plan d_acces e.png"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Plan d'accès é.png"


async def test_text_downloads_as_an_attachment_not_a_page(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    item = await upload(client, dept["headers"], dept["org"], samples.TEXT, filename="minutes.txt")
    response = await client.get(f"/api/v1/evidence/{item['id']}/file", headers=dept["headers"])
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert hashlib.sha256(response.content).hexdigest() == item["sha256"]


async def test_library_lists_the_organisations_items_newest_first(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    await upload(client, dept["headers"], dept["org"], title="Second")
    elsewhere = await make_organisation()
    other_lead = await make_user("dept_lead", elsewhere)
    await upload(client, await bearer(other_lead), elsewhere, title="Not ours")
    response = await client.get("/api/v1/evidence", headers=dept["headers"])
    assert response.status_code == 200
    body = response.json()
    assert [i["title"] for i in body["items"]] == ["Second", "Policy"]
    assert (body["page"], body["pages"], body["total"]) == (1, 1, 2)
    refused = await client.get(
        f"/api/v1/evidence?organisation={elsewhere['slug']}", headers=dept["headers"]
    )
    assert refused.status_code == 403
    unknown = await client.get("/api/v1/evidence?organisation=nowhere", headers=dept["headers"])
    assert unknown.status_code == 404


async def test_library_is_paged(client: httpx.AsyncClient, dept: dict[str, Any]) -> None:
    now = dt.datetime.now(dt.UTC)
    await Evidence.insert(
        *[
            Evidence(
                organisation=dept["org"]["id"],
                title=f"Item {n:02d}",
                filename="p.pdf",
                media_type="application/pdf",
                size=10,
                sha256=dept["item"]["sha256"],
                uploaded_by=dept["user"]["id"],
                uploaded_at=now - dt.timedelta(minutes=n),
            )
            for n in range(1, 55)
        ]
    )
    first = (await client.get("/api/v1/evidence", headers=dept["headers"])).json()
    second = (await client.get("/api/v1/evidence?page=2", headers=dept["headers"])).json()
    assert (first["total"], first["pages"], len(first["items"])) == (55, 2, 50)
    assert [i["title"] for i in second["items"]] == [
        "Item 50",
        "Item 51",
        "Item 52",
        "Item 53",
        "Item 54",
    ]


async def test_stale_flag_follows_the_effective_date(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    old = await client.post(
        "/api/v1/evidence",
        headers=dept["headers"],
        data={"organisation": dept["org"]["slug"], "title": "Old", "effective_on": "2019-04-01"},
        files={"file": ("old.pdf", samples.pdf("old"), "application/pdf")},
    )
    assert old.json()["stale"] is True
    assert dept["item"]["stale"] is False


async def test_unused_evidence_can_be_deleted_and_its_file_goes(
    client: httpx.AsyncClient, dept: dict[str, Any], settings: Settings
) -> None:
    sha = dept["item"]["sha256"]
    blob = settings.evidence_dir / sha[:2] / sha[2:4] / sha
    assert blob.exists()
    response = await client.delete(
        f"/api/v1/evidence/{dept['item']['id']}", headers=dept["headers"]
    )
    assert response.status_code == 204
    assert await Evidence.count() == 0
    assert not blob.exists()
    assert await AuditRecord.exists().where(AuditRecord.action == "evidence.delete")


async def test_deleting_one_of_two_items_with_the_same_bytes_keeps_the_file(
    client: httpx.AsyncClient, dept: dict[str, Any], settings: Settings
) -> None:
    twin = await upload(client, dept["headers"], dept["org"], samples.pdf("Policy"), title="Twin")
    assert twin["sha256"] == dept["item"]["sha256"]
    await client.delete(f"/api/v1/evidence/{dept['item']['id']}", headers=dept["headers"])
    download = await client.get(f"/api/v1/evidence/{twin['id']}/file", headers=dept["headers"])
    assert download.status_code == 200


async def test_evidence_linked_only_to_a_draft_can_be_deleted_with_its_links(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    draft = await make_assessment(dept["org"], state="draft", created_by=dept["user"])
    await link(draft, dept["item"]["id"])
    response = await client.delete(
        f"/api/v1/evidence/{dept['item']['id']}", headers=dept["headers"]
    )
    assert response.status_code == 204
    assert await ResponseEvidence.count() == 0


@pytest.mark.parametrize("state", ["submitted", "concluded"])
async def test_frozen_evidence_cannot_be_deleted(
    client: httpx.AsyncClient, dept: dict[str, Any], state: str
) -> None:
    assessment = await make_assessment(dept["org"], state=state, created_by=dept["user"])
    await link(assessment, dept["item"]["id"])
    assert await usage.is_frozen(dept["item"]["id"])
    response = await client.delete(
        f"/api/v1/evidence/{dept['item']['id']}", headers=dept["headers"]
    )
    assert response.status_code == 409
    assert "part of a submitted assessment" in response.json()["detail"]
    assert await Evidence.count() == 1
    assert await ResponseEvidence.count() == 1


async def test_returned_assessment_does_not_freeze_its_evidence(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    returned = await make_assessment(dept["org"], state="returned", created_by=dept["user"])
    await link(returned, dept["item"]["id"])
    assert not await usage.is_frozen(dept["item"]["id"])


@pytest.mark.parametrize("role", ["admin", "assessor"])
async def test_those_who_may_only_read_cannot_delete(
    client: httpx.AsyncClient, dept: dict[str, Any], role: str
) -> None:
    reader = await make_user(role)
    if role == "assessor":
        assessment = await make_assessment(dept["org"], state="in_review", assessor=reader)
        await link(assessment, dept["item"]["id"])
    response = await client.delete(
        f"/api/v1/evidence/{dept['item']['id']}", headers=await bearer(reader)
    )
    assert response.status_code == 403


async def test_usages_lists_where_each_item_is_used(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    unused = await upload(client, dept["headers"], dept["org"], title="Unused")
    first = await make_assessment(dept["org"], state="draft", created_by=dept["user"])
    second = await make_assessment(dept["org"], state="submitted", created_by=dept["user"])
    await link(first, dept["item"]["id"], "LEAD.1.1")
    await link(second, dept["item"]["id"], "LEAD.1.2")
    found = await usage.usages([dept["item"]["id"], unused["id"]])
    item_id = next(k for k in found if str(k) == dept["item"]["id"])
    unused_id = next(k for k in found if str(k) == unused["id"])
    assert sorted(found[item_id]) == sorted([(first["id"], "LEAD.1.1"), (second["id"], "LEAD.1.2")])
    assert found[unused_id] == []
