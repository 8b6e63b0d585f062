"""Browsing the audit record: the admin page and the API, filtered by actor, action, object and
date, a page at a time."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient

from app.audit.pages import describe_changes
from app.audit.tables import AuditRecord
from tests.accounts.support import error_summary, heading, page
from tests.factories import bearer, make_user, web_sign_in


async def audited_history(client: AsyncClient) -> tuple[dict, dict]:
    """An admin creates two organisations and changes a publisher's role: (admin, publisher)."""
    admin, publisher = await make_user("admin"), await make_user("publisher")
    headers = await bearer(admin)
    for slug in ("dwp", "hmrc"):
        await client.post(
            "/api/v1/organisations", json={"slug": slug, "name": slug.upper()}, headers=headers
        )
    await client.put(
        f"/api/v1/users/{publisher['id']}/role", json={"role": "lead_assessor"}, headers=headers
    )
    return admin, publisher


def table_rows(response) -> list[list[str]]:
    return [
        [td.get_text(" ", strip=True) for td in tr.find_all(["th", "td"])]
        for tr in page(response).select("tbody tr")
    ]


async def test_audit_page_lists_records_newest_first_with_what_changed(client: AsyncClient) -> None:
    admin, _ = await audited_history(client)
    await web_sign_in(client, admin)
    response = await client.get("/admin/audit")
    assert response.status_code == 200 and heading(response) == "Audit trail"
    rows = table_rows(response)
    actions = [r[3] for r in rows]
    assert actions == [
        "user.sign_in",
        "user.role_change",
        "organisation.create",
        "organisation.create",
    ]
    role_change = rows[1]
    assert role_change[2] == admin["email"]
    assert "role: publisher → lead_assessor" in role_change[5]


async def test_audit_page_filters_by_actor_action_object_and_date(client: AsyncClient) -> None:
    admin, publisher = await audited_history(client)
    await web_sign_in(client, admin)

    by_action = table_rows(await client.get("/admin/audit?action=organisation"))
    assert [r[3] for r in by_action] == ["organisation.create"] * 2

    by_object = table_rows(
        await client.get(f"/admin/audit?object_type=user&object_id={publisher['id']}")
    )
    assert [r[3] for r in by_object] == ["user.role_change"]

    by_actor = table_rows(
        await client.get(f"/admin/audit?actor={admin['email'].upper()}&action=user")
    )
    assert [r[3] for r in by_actor] == ["user.sign_in", "user.role_change"]
    assert table_rows(await client.get("/admin/audit?actor=nobody-like-this")) == []

    today = dt.date.today()
    in_range = table_rows(
        await client.get(
            f"/admin/audit?date_from={today - dt.timedelta(days=1)}"
            f"&date_to={today + dt.timedelta(days=1)}"
        )
    )
    assert len(in_range) == 4
    before = table_rows(await client.get(f"/admin/audit?date_to={today - dt.timedelta(days=2)}"))
    assert before == []
    kept = page(await client.get("/admin/audit?action=organisation"))
    assert kept.find("input", attrs={"name": "action"})["value"] == "organisation"


async def test_audit_page_explains_a_bad_date(client: AsyncClient) -> None:
    await web_sign_in(client, await make_user("admin"))
    response = await client.get("/admin/audit?date_from=31/02/2026&date_to=2026-01-01")
    assert response.status_code == 400
    assert error_summary(response) == ["Date from must be a real date, like 2026-11-22"]
    backwards = await client.get("/admin/audit?date_from=2026-02-01&date_to=2026-01-01")
    assert error_summary(backwards) == ["Date to must be the same as or after date from"]


async def test_audit_page_is_paginated_and_keeps_the_filter(client: AsyncClient) -> None:
    now = dt.datetime.now(dt.UTC)
    await AuditRecord.insert(
        *(
            AuditRecord(
                at=now,
                actor_label="cli",
                action="test.bulk",
                object_type="thing",
                object_id=str(n),
                prev_hash="0" * 64,
                hash=f"{n:064d}",
            )
            for n in range(120)
        )
    )
    await web_sign_in(client, await make_user("admin"))
    first = await client.get("/admin/audit?action=test")
    assert len(table_rows(first)) == 50
    next_link = page(first).select_one(".govuk-pagination__next a")["href"]
    assert next_link == "/admin/audit?action=test&page=2"
    last = await client.get("/admin/audit?action=test&page=3")
    assert [r[4] for r in table_rows(last)][-1] == "thing 0"
    assert len(table_rows(last)) == 20


async def test_audit_api_for_admins_only(client: AsyncClient) -> None:
    admin, publisher = await audited_history(client)
    response = await client.get(
        "/api/v1/audit?action=user.role_change", headers=await bearer(admin)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["page"] == 1
    record = body["records"][0]
    assert record["actor"] == admin["email"] and record["object_id"] == str(publisher["id"])
    assert record["before"] == {"organisation": None, "role": "publisher"}
    assert record["after"] == {"organisation": None, "role": "lead_assessor"}
    bad = await client.get("/api/v1/audit?date_from=yesterday", headers=await bearer(admin))
    assert bad.status_code == 422 and "date_from" in bad.json()["problems"]
    refused = await client.get("/api/v1/audit", headers=await bearer(publisher))
    assert refused.status_code == 403
    assert (await client.get("/api/v1/audit")).status_code == 401


def test_changes_are_described_field_by_field() -> None:
    assert describe_changes(
        {"role": "assessor", "active": True}, {"role": "admin", "active": True}
    ) == ["role: assessor → admin"]
    assert describe_changes(None, {"slug": "dwp", "parent": None}) == ["parent: none", "slug: dwp"]
    assert describe_changes({"name": "Old"}, {}) == ["name: Old (removed)"]
