"""A download of evidence altered on disk writes an integrity failure to the audit record."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from app.audit.tables import AuditRecord
from app.settings import Settings
from tests.evidence import samples
from tests.factories import bearer, make_organisation, make_user


async def test_altered_file_download_is_refused_and_audited(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await make_organisation()
    headers = await bearer(await make_user("dept_lead", org))
    content = samples.pdf("Frozen once submitted")
    stored = await client.post(
        "/api/v1/evidence",
        data={"organisation": org["slug"], "title": "Policy"},
        files={"file": ("policy.pdf", content, "application/pdf")},
        headers=headers,
    )
    assert stored.status_code == 201, stored.text
    sha = hashlib.sha256(content).hexdigest()
    blob = settings.evidence_dir.resolve() / sha[:2] / sha[2:4] / sha
    altered = bytearray(content)
    altered[-20] ^= 0x01
    blob.write_bytes(bytes(altered))
    with pytest.raises(Exception, match="after response started"):  # cut off mid-body
        await client.get(f"/api/v1/evidence/{stored.json()['id']}/file", headers=headers)
    audited = await AuditRecord.select().where(AuditRecord.action == "evidence.integrity_failure")
    assert len(audited) == 1
    assert str(audited[0]["object_id"]) == stored.json()["id"]
