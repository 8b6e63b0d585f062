"""The audit record is hash-chained: `charter audit verify` recomputes it and names the first
record that was altered, removed or forged."""

from __future__ import annotations

import datetime as dt
import itertools
import json

from httpx import AsyncClient

from app import db
from app.accounts.actor import SystemActor
from app.audit.service import GENESIS, hashed_fields, record, record_hash, verify_chain
from app.audit.tables import AuditRecord
from app.organisations.tables import Organisation
from tests.command import charter
from tests.factories import bearer, make_user


async def some_changes(client: AsyncClient) -> list[int]:
    """Four audited changes made through the API; their record ids, oldest first."""
    admin = await make_user("admin")
    headers = await bearer(admin)
    for slug in ("dwp", "hmrc", "dvla"):
        response = await client.post(
            "/api/v1/organisations", json={"slug": slug, "name": slug.upper()}, headers=headers
        )
        assert response.status_code == 201
    await client.post("/api/v1/auth/tokens", json={"name": "script"}, headers=headers)
    return [r["id"] for r in await AuditRecord.select(AuditRecord.id).order_by(AuditRecord.id)]


async def test_each_change_is_recorded_with_who_what_and_after_in_a_chain(
    client: AsyncClient,
) -> None:
    ids = await some_changes(client)
    rows = await AuditRecord.select().order_by(AuditRecord.id)
    assert [r["action"] for r in rows] == ["organisation.create"] * 3 + ["token.create"]
    assert rows[0]["prev_hash"] == GENESIS
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in itertools.pairwise(rows))
    assert await verify_chain() == (len(ids), None)


async def test_text_beyond_ascii_is_hashed_as_the_verifier_reads_it(client: AsyncClient) -> None:
    """On PostgreSQL the database computes each record's hash: it must hash the same UTF-8 bytes
    as the Python that verifies the chain, whatever the text holds."""
    admin = await make_user("admin")
    headers = await bearer(admin)
    names = ["Cyngor Sir Ynys Môn — “Gwasanaeth i Gwsmeriaid”", "Comhairle nan Eilean Siar ✓ 🏴"]
    for slug, name in zip(("ynys-mon", "eilean-siar"), names, strict=True):
        answer = await client.post(
            "/api/v1/organisations", json={"slug": slug, "name": name}, headers=headers
        )
        assert answer.status_code == 201
    rows = await AuditRecord.select().order_by(AuditRecord.id)
    assert [json.loads(r["after"])["name"] for r in rows] == names
    assert await verify_chain() == (2, None)


async def test_verify_command_passes_an_intact_chain_and_names_a_tampered_record(
    client: AsyncClient,
) -> None:
    ids = await some_changes(client)
    intact = charter("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    last = await AuditRecord.select().order_by(AuditRecord.id, ascending=False).first()
    at = last["at"].astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert intact.stdout.splitlines() == [
        f"Audit chain intact: {len(ids)} records",
        f"Last record: {last['id']} at {at}, hash {last['hash']}",
    ]

    # Someone with database access rewrites history: the second organisation was "really" another.
    forged = """UPDATE audit_record SET after = '{"slug": "forged"}' WHERE id = %d"""
    await db.engine().run_ddl(forged % ids[1])
    broken = charter("audit", "verify")
    assert broken.returncode == 1
    assert broken.stderr.strip() == f"Audit chain broken at record {ids[1]} (after 1 good records)"


async def test_an_anchor_noted_earlier_catches_records_cut_from_the_end(
    client: AsyncClient,
) -> None:
    """Removing the newest records leaves a chain that is intact as far as it goes; the hash an
    earlier verify printed, kept outside the database, shows the cut."""
    ids = await some_changes(client)
    noted = charter("audit", "verify").stdout.splitlines()[-1].rsplit(" ", 1)[-1]
    assert charter("audit", "verify", "--anchor", noted).returncode == 0
    await AuditRecord.delete().where(AuditRecord.id == ids[-1])
    assert await verify_chain() == (len(ids) - 1, None)  # the chain alone cannot tell
    cut = charter("audit", "verify", "--anchor", noted)
    assert cut.returncode == 1
    assert cut.stderr.strip() == (
        f"Audit chain no longer holds the record with hash {noted}: records were removed from "
        "its end, or the whole chain was written again"
    )


async def test_an_anchor_that_is_not_a_hash_is_named_as_such(client: AsyncClient) -> None:
    await some_changes(client)
    typo = charter("audit", "verify", "--anchor", "3f9c…e1")
    assert typo.returncode == 2
    assert "Invalid value for '--anchor': must be the 64-character hash" in typo.stderr
    assert typo.stdout == ""


async def test_an_anchor_catches_a_chain_written_again_from_the_start(client: AsyncClient) -> None:
    ids = await some_changes(client)
    noted = charter("audit", "verify").stdout.splitlines()[-1].rsplit(" ", 1)[-1]
    # A thorough forger changes the first record and recomputes every hash after it.
    await AuditRecord.update({AuditRecord.actor_label: "someone-else"}).where(
        AuditRecord.id == ids[0]
    )
    prev_hash = GENESIS
    for row in await AuditRecord.select().order_by(AuditRecord.id):
        new_hash = record_hash(prev_hash, hashed_fields(row))
        await AuditRecord.update(
            {AuditRecord.prev_hash: prev_hash, AuditRecord.hash: new_hash}
        ).where(AuditRecord.id == row["id"])
        prev_hash = new_hash
    assert await verify_chain() == (len(ids), None)
    again = charter("audit", "verify", "--anchor", noted)
    assert again.returncode == 1
    assert "no longer holds the record" in again.stderr


async def test_a_deleted_record_is_caught_at_the_next_one(client: AsyncClient) -> None:
    ids = await some_changes(client)
    await AuditRecord.delete().where(AuditRecord.id == ids[1])
    assert await verify_chain() == (1, ids[2])


async def test_recomputing_a_records_own_hash_does_not_hide_the_change(client: AsyncClient) -> None:
    ids = await some_changes(client)
    # A careful forger also fixes the record's hash; the next record still points at the old one.
    await AuditRecord.update(
        {AuditRecord.action: "organisation.delete", AuditRecord.hash: "f" * 64}
    ).where(AuditRecord.id == ids[0])
    checked, broken = await verify_chain()
    assert broken == ids[0] and checked == 0


async def test_a_failed_change_writes_no_record(client: AsyncClient) -> None:
    admin = await make_user("admin")
    response = await client.post(
        "/api/v1/organisations", json={"slug": "Bad Slug", "name": "x"}, headers=await bearer(admin)
    )
    assert response.status_code == 422
    assert await AuditRecord.count() == 0


async def test_record_is_written_in_the_same_transaction_as_the_change() -> None:
    class Boom(Exception):
        pass

    try:
        async with db.transaction():
            await Organisation(slug="dwp", name="DWP").save()
            await record(
                SystemActor("tests"),
                "organisation.create",
                "organisation",
                "dwp",
                after={"slug": "dwp"},
            )
            raise Boom
    except Boom:
        pass
    assert await Organisation.count() == 0
    assert await AuditRecord.count() == 0


async def test_cli_changes_are_recorded_as_the_cli() -> None:
    result = charter(
        "organisations", "create", "--slug", "dwp", "--name", "Department for Work and Pensions"
    )
    assert result.returncode == 0, result.stderr
    row = await AuditRecord.select().first()
    assert (
        row["actor_label"] == "cli"
        and row["actor_id"] is None
        and row["action"] == "organisation.create"
    )
