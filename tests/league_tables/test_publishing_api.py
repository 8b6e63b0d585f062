"""Publishing, revising and reading league tables over the JSON API."""

from __future__ import annotations

import datetime as dt

import pytest
from httpx import AsyncClient

from app.accounts.actor import Actor
from app.accounts.roles import Role
from app.audit.tables import AuditRecord
from app.certificates.tables import Certificate
from app.errors import NotFound
from app.league_tables import service
from app.league_tables.tables import LeagueTable
from tests.factories import (
    PASSWORD,
    bearer,
    csrf_token,
    make_assessment,
    make_organisation,
    make_user,
)
from tests.league_tables.support import (
    SLUG,
    at,
    by_slug,
    concluded,
    publish,
    publisher_headers,
    small_framework,
)


async def test_publisher_publishes_a_table_ranked_with_ties(client: AsyncClient) -> None:
    fw = await small_framework()
    await concluded(fw, 4, name="Delta Office")
    await concluded(fw, 3, name="Bravo Agency")
    await concluded(fw, 3, name="Alpha Agency")
    await concluded(fw, 1, name="Echo Board")
    table = await publish(client, await publisher_headers())
    assert [(r["rank"], r["organisation_name"]) for r in table["rows"]] == [
        (1, "Delta Office"),
        (2, "Alpha Agency"),
        (2, "Bravo Agency"),
        (4, "Echo Board"),
    ]
    top = table["rows"][0]
    assert top["overall_percent"] == 100.0
    assert top["themes"] == {"SERVE": 100.0, "LEARN": 100.0}
    assert top["award"] == {"code": "gold", "label": "Gold"}
    assert table["rows"][-1]["award"] is None  # 25%: no award, still listed
    assert top["rank_change"] is None and top["score_change"] is None

    read = (await client.get(f"/api/v1/league-tables/{table['id']}")).json()
    assert read["rows"] == table["rows"]
    assert read["framework"] == SLUG and read["as_of"] == "2026-04-01"
    assert [t["code"] for t in read["themes"]] == ["SERVE", "LEARN"]


async def test_only_moderated_scores_appear_never_self_assessed(client: AsyncClient) -> None:
    fw = await small_framework()
    org = await make_organisation(name="Hopeful Agency")
    await make_assessment(
        org,
        state="concluded",
        framework_version=fw,
        default_score=4,
        moderated={"SERVE.1.1": 2, "SERVE.1.2": 2, "LEARN.1.1": 2},
        concluded_at=at("2026-03-01"),
    )
    # Submitted but not concluded: never listed, however good its self-assessment.
    await make_assessment(
        await make_organisation(), state="moderated", framework_version=fw, default_score=4
    )
    table = await publish(client, await publisher_headers())
    assert [
        (r["organisation_name"], r["overall_percent"], r["award"]["code"]) for r in table["rows"]
    ] == [("Hopeful Agency", 50.0, "silver")]


async def test_as_of_date_and_validity_window_choose_the_results(client: AsyncClient) -> None:
    fw = await small_framework(validity=12)
    newer = await small_framework(version="2", validity=36)
    expired = await concluded(fw, 4, "2025-03-01")  # 12 months: gone by 2026-04-01
    long_lived = await concluded(newer, 4, "2024-06-01")  # 36 months: still current
    too_late = await concluded(fw, 4, "2026-04-02")
    current = await concluded(fw, 2, "2026-04-01")
    rows = by_slug((await publish(client, await publisher_headers()))["rows"])
    assert set(rows) == {long_lived["slug"], current["slug"]}
    assert rows[long_lived["slug"]]["framework_version"] == "2"
    assert expired["slug"] not in rows and too_late["slug"] not in rows


async def test_latest_concluded_assessment_of_any_version_stands_for_the_organisation(
    client: AsyncClient,
) -> None:
    fw, newer = await small_framework(), await small_framework(version="2")
    org = await concluded(fw, 4, "2026-01-10")
    await concluded(newer, 2, "2026-02-10", org=org)
    rows = (await publish(client, await publisher_headers()))["rows"]
    assert [(r["organisation"], r["overall_percent"], r["framework_version"]) for r in rows] == [
        (org["slug"], 50.0, "2")
    ]


async def test_revoked_certificate_leaves_the_result_without_an_award(client: AsyncClient) -> None:
    fw = await small_framework()
    org = await make_organisation()
    assessment = await make_assessment(
        org, state="concluded", framework_version=fw, default_score=4, concluded_at=at("2026-03-01")
    )
    await Certificate(
        assessment=assessment["id"],
        organisation=org["id"],
        framework_version=fw["id"],
        award_code="gold",
        award_label="Gold",
        issued_on=dt.date(2026, 3, 1),
        expires_on=dt.date(2027, 3, 1),
        review_due_on=dt.date(2026, 9, 1),
        revoked_at=at("2026-03-15"),
        revoked_reason="Evidence was false",
    ).save()
    rows = (await publish(client, await publisher_headers()))["rows"]
    assert rows[0]["award"] is None and rows[0]["overall_percent"] == 100.0
    before = (await publish(client, await publisher_headers(), as_of="2026-03-10"))["rows"]
    assert before[0]["award"] == {"code": "gold", "label": "Gold"}


async def test_changes_are_measured_against_the_previous_table(client: AsyncClient) -> None:
    fw = await small_framework()
    headers = await publisher_headers()
    riser = await concluded(fw, 2, "2026-01-10", name="Riser")
    faller = await concluded(fw, 3, "2026-01-10", name="Faller")
    first = await publish(client, headers, as_of="2026-02-01", title="Winter")
    await concluded(fw, 4, "2026-03-01", org=riser)
    newcomer = await concluded(fw, 1, "2026-03-01", name="Newcomer")
    second = await publish(client, headers, as_of="2026-04-01", title="Spring")
    rows = by_slug(second["rows"])
    assert (
        rows[riser["slug"]]["rank"],
        rows[riser["slug"]]["rank_change"],
        rows[riser["slug"]]["score_change"],
    ) == (1, 1, 50.0)
    assert (rows[faller["slug"]]["rank_change"], rows[faller["slug"]]["score_change"]) == (-1, 0.0)
    assert (
        rows[newcomer["slug"]]["rank_change"] is None
        and rows[newcomer["slug"]]["score_change"] is None
    )
    assert second["compared_with"]["id"] == first["id"]


async def test_revision_names_the_table_it_replaces_and_the_old_one_stays_readable(
    client: AsyncClient,
) -> None:
    fw = await small_framework()
    headers = await publisher_headers()
    org = await concluded(fw, 4, "2026-01-10")
    first = await publish(client, headers, as_of="2026-02-01", title="Winter")
    await concluded(fw, 2, "2026-03-01", org=org)
    second = await publish(client, headers, title="Spring")
    fix = await publish(
        client,
        headers,
        framework=None,
        title=None,
        as_of="2026-03-31",
        revises=second["id"],
        reason="An assessment concluded on 1 April was wrongly included",
    )
    assert fix["revises"]["id"] == second["id"] and fix["title"] == "Spring"
    assert fix["compared_with"]["id"] == first["id"]  # what the revised table compared with
    old = (await client.get(f"/api/v1/league-tables/{second['id']}")).json()
    assert old["rows"] == second["rows"]  # unchanged
    assert old["revised_by"]["id"] == fix["id"]
    assert old["revised_by"]["reason"] == "An assessment concluded on 1 April was wrongly included"
    listing = {t["id"]: t for t in (await client.get("/api/v1/league-tables")).json()}
    assert listing[second["id"]]["revised_by"] == fix["id"]
    assert listing[fix["id"]]["revises"] == second["id"]
    # A revised table cannot be revised again: the revision is the one to correct.
    again = await client.post(
        "/api/v1/league-tables", headers=headers, json={"revises": second["id"], "reason": "Again"}
    )
    assert again.status_code == 409
    assert fix["id"] in again.json()["detail"]


async def test_revision_needs_a_reason_and_keeps_its_framework(client: AsyncClient) -> None:
    fw = await small_framework()
    headers = await publisher_headers()
    await concluded(fw, 4)
    table = await publish(client, headers)
    no_reason = await client.post(
        "/api/v1/league-tables", headers=headers, json={"revises": table["id"]}
    )
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["problems"]
    other = await client.post(
        "/api/v1/league-tables",
        headers=headers,
        json={"revises": table["id"], "reason": "x", "framework": "other-standard"},
    )
    assert other.status_code == 422
    assert "framework" in other.json()["problems"]
    assert await LeagueTable.count() == 1


async def test_bad_input_is_refused_naming_each_field_and_nothing_is_saved(
    client: AsyncClient,
) -> None:
    headers = await publisher_headers()
    response = await client.post(
        "/api/v1/league-tables",
        headers=headers,
        json={"framework": "", "title": "x" * 201, "as_of": "1 April"},
    )
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert set(problems) == {"framework", "title", "as_of"}
    assert "1 April" in problems["as_of"]
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = await client.post(
        "/api/v1/league-tables",
        headers=headers,
        json={"framework": "nothing-loaded", "title": "T", "as_of": future},
    )
    assert response.json()["problems"]["as_of"] == "As-of date must be today or in the past"
    response = await client.post(
        "/api/v1/league-tables",
        headers=headers,
        json={"framework": "nothing-loaded", "title": "T", "as_of": "2026-01-01"},
    )
    assert response.json()["problems"] == {
        "framework": "No framework with slug 'nothing-loaded' is loaded"
    }
    await small_framework()
    empty = await client.post(
        "/api/v1/league-tables",
        headers=headers,
        json={"framework": SLUG, "title": "T", "as_of": "2026-01-01"},
    )
    assert empty.status_code == 422 and "as_of" in empty.json()["problems"]
    assert await LeagueTable.count() == 0


async def test_only_publishers_publish(client: AsyncClient) -> None:
    fw = await small_framework()
    await concluded(fw, 4)
    body = {"framework": SLUG, "title": "T", "as_of": "2026-04-01"}
    signed_out = {"x-csrf-token": await csrf_token(client)}  # else CSRF answers 403 first
    assert (
        await client.post("/api/v1/league-tables", json=body, headers=signed_out)
    ).status_code == 401
    unknown = {"Authorization": "Bearer not-a-real-token"}
    assert (
        await client.post("/api/v1/league-tables", json=body, headers=unknown)
    ).status_code == 401
    for role in ("admin", "lead_assessor", "assessor"):
        response = await client.post(
            "/api/v1/league-tables", json=body, headers=await bearer(await make_user(role))
        )
        assert response.status_code == 403, role
    lead = await make_user("dept_lead", await make_organisation())
    assert (
        await client.post("/api/v1/league-tables", json=body, headers=await bearer(lead))
    ).status_code == 403
    assert await LeagueTable.count() == 0


async def test_publishing_is_audited(client: AsyncClient) -> None:
    fw = await small_framework()
    await concluded(fw, 4)
    table = await publish(client, await publisher_headers())
    audit = await AuditRecord.select().where(AuditRecord.object_id == table["id"]).first()
    assert audit["action"] == "league_table.publish"


async def test_anyone_signed_out_reads_published_tables(client: AsyncClient) -> None:
    fw = await small_framework()
    await concluded(fw, 4)
    table = await publish(client, await publisher_headers())
    listing = await client.get("/api/v1/league-tables")
    assert listing.status_code == 200
    assert [t["id"] for t in listing.json()] == [table["id"]]
    one = await client.get(f"/api/v1/league-tables/{table['id']}")
    assert one.status_code == 200 and one.json()["title"] == "Spring table"
    assert (await client.get("/api/v1/league-tables/not-a-table")).status_code == 404
    assert (await client.get(f"/api/v1/league-tables/{table['id']}.xlsx")).status_code == 404


async def test_publisher_signed_in_with_a_cookie_needs_the_csrf_token(client: AsyncClient) -> None:
    fw = await small_framework()
    await concluded(fw, 4)
    publisher = await make_user("publisher")
    await client.post(
        "/api/v1/auth/login", json={"email": publisher["email"], "password": PASSWORD}
    )
    body = {"framework": SLUG, "title": "T", "as_of": "2026-04-01"}
    assert (await client.post("/api/v1/league-tables", json=body)).status_code == 403
    token = await csrf_token(client)
    response = await client.post(
        "/api/v1/league-tables", json=body, headers={"x-csrf-token": token}
    )
    assert response.status_code == 201, response.text


async def test_revise_service_publishes_a_correction_of_a_table() -> None:
    fw = await small_framework()
    await concluded(fw, 4)
    user = await make_user("publisher")
    actor = Actor(user["id"], user["email"], user["name"], Role.PUBLISHER, None)
    original = await service.publish(
        actor, service.PublishForm(framework=SLUG, title="Spring", as_of="2026-04-01")
    )
    fix = await service.revise(actor, original["id"], "Wrong date", as_of="2026-03-31")
    assert (fix["revises"]["id"], fix["as_of"], fix["title"]) == (
        original["id"],
        "2026-03-31",
        "Spring",
    )
    with pytest.raises(NotFound):
        await service.revise(actor, "00000000-0000-0000-0000-000000000000", "No such table")
