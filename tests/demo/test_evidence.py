"""The demo's evidence files are real: stored content-addressed, downloaded with their type."""

from __future__ import annotations

import hashlib
import io

import pypdf

from tests.demo.support import as_person

KINDS = ("application/pdf", "text/csv", "image/png", "text/plain")


async def test_evidence_files_download_with_their_type(client, demo) -> None:
    headers = await as_person("lead@rural-services.example")
    library = await client.get("/api/v1/evidence", headers=headers)
    items = library.json()["items"]
    assert library.json()["total"] >= 10
    for kind in KINDS:
        item = next(i for i in items if i["media_type"].startswith(kind))
        download = await client.get(f"/api/v1/evidence/{item['id']}/file", headers=headers)
        assert download.status_code == 200
        assert download.headers["content-type"].startswith(kind)
        assert "attachment" in download.headers["content-disposition"]
        assert hashlib.sha256(download.content).hexdigest() == item["sha256"]
        assert len(download.content) == item["size"]
        if kind == "application/pdf":
            text = pypdf.PdfReader(io.BytesIO(download.content)).pages[0].extract_text()
            assert "Department for Rural Services" in text
        if kind == "image/png":
            assert download.content.startswith(b"\x89PNG\r\n\x1a\n")


async def test_the_returned_reassessment_leans_on_stale_evidence(client, demo) -> None:
    headers = await as_person("lead@eastmarsh-dc.example")
    items = (await client.get("/api/v1/evidence", headers=headers)).json()["items"]
    assert any(i["stale"] for i in items)
    assert any(not i["stale"] for i in items)
