"""What anyone can see of the demo signed out: certificates that verify, in every status, and two
league tables months apart whose changes show."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup

from app.certificates.tables import Certificate
from app.demo.story import ORGANISATIONS, RENAMED, REVOKED

NAMES = {b.slug: b.name for b in ORGANISATIONS}


async def test_certificates_of_every_status_verify(client, demo) -> None:
    rows = await Certificate.select(Certificate.id)
    shown = [(await client.get(f"/api/v1/certificates/{r['id']}")).json() for r in rows]
    by_status = {c["status"]: c for c in shown}
    assert set(by_status) == {"valid", "expired", "revoked"}
    soon = dt.date.today() + dt.timedelta(days=90)
    assert any(
        c["status"] == "valid" and dt.date.fromisoformat(c["expires_on"]) <= soon for c in shown
    )
    assert by_status["revoked"]["organisation"] == REVOKED[0]
    assert by_status["revoked"]["revoked_reason"] == REVOKED[1]
    for certificate in shown:
        page = await client.get(f"/verify/{certificate['id']}")
        assert page.status_code == 200
        text = BeautifulSoup(page.text, "html.parser").get_text(" ", strip=True)
        assert NAMES[certificate["organisation"]] in text


async def test_two_league_tables_months_apart_show_rank_and_score_changes(client, demo) -> None:
    listed = (await client.get("/api/v1/league-tables")).json()
    assert len(listed) == 2
    newer, older = [
        (await client.get(f"/api/v1/league-tables/{t['id']}")).json()
        for t in sorted(listed, key=lambda t: t["as_of"], reverse=True)
    ]
    as_of_gap = dt.date.fromisoformat(newer["as_of"]) - dt.date.fromisoformat(older["as_of"])
    assert as_of_gap.days > 150
    assert newer["compared_with"]["id"] == older["id"]
    assert all(row["rank_change"] is None for row in older["rows"])
    rows = {row["organisation"]: row for row in newer["rows"]}
    assert rows["rural-services"]["rank_change"] > 0 and rows["rural-services"]["score_change"] > 0
    assert rows["rural-payments"]["rank_change"] < 0 and rows["rural-payments"]["score_change"] < 0
    assert rows["wexbury-bc"]["rank_change"] is None  # new to the table
    assert "eastmarsh-dc" in {r["organisation"] for r in older["rows"]}
    assert "eastmarsh-dc" not in rows  # its result expired between the tables
    licensing_before = next(r for r in older["rows"] if r["organisation"] == "licensing")
    assert licensing_before["award"] and rows["licensing"]["award"] is None  # revoked since
    page = await client.get(f"/league-tables/{newer['id']}")
    assert page.status_code == 200
    assert NAMES["vale-ambulance"] in page.text


async def test_a_department_renamed_between_the_tables_keeps_its_old_name_where_it_was_given(
    client, demo
) -> None:
    slug, new_name = RENAMED
    newer, older = [
        (await client.get(f"/api/v1/league-tables/{t['id']}")).json()
        for t in sorted(
            (await client.get("/api/v1/league-tables")).json(),
            key=lambda t: t["as_of"],
            reverse=True,
        )
    ]
    names = [
        next(r["organisation_name"] for r in table["rows"] if r["organisation"] == slug)
        for table in (older, newer)
    ]
    assert names == [NAMES[slug], new_name]
    rows = await Certificate.select(Certificate.id).where(Certificate.organisation.slug == slug)
    certificate = (await client.get(f"/api/v1/certificates/{rows[0]['id']}")).json()
    assert (certificate["organisation_name"], certificate["organisation_renamed_to"]) == (
        NAMES[slug],
        new_name,
    )
