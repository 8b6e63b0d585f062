"""`charter demo` fills only an empty database: with --if-empty it leaves data alone, without it it
refuses; either way nothing changes."""

from __future__ import annotations

from typing import Any

from app.accounts.tables import User
from app.assessments.tables import Assessment
from app.audit.service import verify_chain
from app.audit.tables import AuditRecord
from app.evidence.tables import Evidence
from app.organisations.tables import Organisation
from tests.demo.support import charter

COUNTED: tuple[Any, ...] = (Organisation, User, Assessment, Evidence, AuditRecord)


async def _counts() -> dict[str, int]:
    return {t._meta.tablename: await t.count() for t in COUNTED}


async def test_if_empty_leaves_a_database_with_data_alone(demo) -> None:
    before = await _counts()
    result = charter("demo", "--if-empty")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().count("\n") == 0
    assert "Demo not loaded" in result.stdout
    assert await _counts() == before


async def test_demo_refuses_a_database_that_has_data(demo) -> None:
    before = await _counts()
    result = charter("demo")
    assert result.returncode == 1
    assert "only fills an empty database" in result.stderr
    assert await _counts() == before


async def test_the_demo_leaves_an_intact_audit_chain(demo) -> None:
    checked, broken = await verify_chain()
    assert broken is None
    assert checked > 1000
