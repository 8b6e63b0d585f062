"""A disk that fills up in the middle of an upload: the person is told which file could not be
saved and why, nothing of it is kept (no evidence item, no blob, no temporary file), and the
same upload goes through once there is room again.

The full disk is real to the process: its file size limit (RLIMIT_FSIZE, which the kernel
enforces on every write, as it does a full disk) is lowered around the request, so writes past
it fail with EFBIG as they would with ENOSPC. Python ignores SIGXFSZ, so the write raises.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import resource
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from app.audit.tables import AuditRecord
from app.evidence.tables import Evidence
from app.main import create_app
from app.settings import Settings
from tests.evidence import samples
from tests.evidence.test_pages import post_form, slot, summary_errors
from tests.evidence.test_upload_api import blobs, post_file, temp_files
from tests.factories import bearer, csrf_token, make_organisation, make_user, web_sign_in

MiB = 1024 * 1024
FULL = "could not be saved because the evidence store is full. Nothing was saved."


@contextlib.contextmanager
def files_limited_to(size: int) -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def room_left(run_dir: Path) -> int:
    """A limit well above every file the test run already has (its SQLite database among them),
    so that only the upload runs into it."""
    largest = max((p.stat().st_size for p in run_dir.rglob("*") if p.is_file()), default=0)
    return max(16 * MiB, largest + 8 * MiB)


@pytest.fixture
async def roomy_client(
    settings: Settings, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, Path]]:
    """An app of its own whose upload limit is above the disk's room, with its own evidence."""
    evidence_dir = tmp_path / "evidence"
    app = create_app(dataclasses.replace(settings, max_upload_mb=200, evidence_dir=evidence_dir))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver.local"
    ) as client:
        yield client, evidence_dir


def nothing_kept(evidence_dir: Path) -> None:
    assert temp_files(evidence_dir) == []
    assert blobs(evidence_dir) == []


async def test_api_upload_meeting_a_full_disk_answers_507_naming_the_file_and_keeps_nothing(
    roomy_client: tuple[httpx.AsyncClient, Path], run_dir: Path
) -> None:
    client, evidence_dir = roomy_client
    org = await make_organisation()
    headers = await bearer(await make_user("dept_lead", org))
    limit = room_left(run_dir)
    content = samples.pdf() + os.urandom(limit + 2 * MiB)
    audit_before = await AuditRecord.count()
    with files_limited_to(limit):
        refused = await post_file(client, headers, content, "recordings.pdf", org["slug"])
    assert refused.status_code == 507, refused.text
    body = refused.json()
    assert f"The selected file 'recordings.pdf' {FULL}" in body["detail"]
    assert body["problems"] == {"file": body["detail"]}
    nothing_kept(evidence_dir)
    assert await Evidence.count() == 0
    assert await AuditRecord.count() == audit_before
    schema = (await client.get("/schema/openapi.json")).json()
    assert "507" in schema["paths"]["/api/v1/evidence"]["post"]["responses"]

    stored = await post_file(client, headers, content, "recordings.pdf", org["slug"])
    assert stored.status_code == 201, stored.text
    assert stored.json()["sha256"] == hashlib.sha256(content).hexdigest()
    assert temp_files(evidence_dir) == []


async def test_form_upload_meeting_a_full_disk_names_that_file_and_keeps_what_was_typed(
    roomy_client: tuple[httpx.AsyncClient, Path], run_dir: Path
) -> None:
    """The browser's form, its CSRF token in a header (so the body streams to our own writer):
    the page comes back with the problem against the file that did not fit, and the titles."""
    client, evidence_dir = roomy_client
    client.cookies.clear()
    org = await make_organisation()
    await web_sign_in(client, await make_user("dept_lead", org))
    limit = room_left(run_dir)
    token = await csrf_token(client, "/evidence/upload")
    big = samples.pdf() + os.urandom(limit + 2 * MiB)
    fields = {**slot(1, "Call recordings", "1", "1", "2026"), **slot(2, "Policy", "1", "1", "2026")}
    parts = {
        "file-1": ("recordings.pdf", big, "application/pdf"),
        "file-2": ("policy.pdf", samples.pdf(), "application/pdf"),
        "file-3": ("", b"", "application/octet-stream"),
    }
    with files_limited_to(limit):
        response = await client.post(
            "/evidence/upload", headers={"x-csrf-token": token}, data=fields, files=parts
        )
    assert response.status_code == 400, response.text[:500]
    soup = BeautifulSoup(response.text, "html.parser")
    assert summary_errors(soup) == [
        (
            f"The selected file 'recordings.pdf' {FULL} Try again later, or ask the service's"
            " administrator to make room",
            "#file-1",
        )
    ]
    assert soup.select_one("#title-1")["value"] == "Call recordings"  # type: ignore[index]
    assert soup.select_one("#title-2")["value"] == "Policy"  # type: ignore[index]
    nothing_kept(evidence_dir)
    assert await Evidence.count() == 0


async def test_form_with_its_token_in_the_form_streams_too_and_keeps_the_titles(
    roomy_client: tuple[httpx.AsyncClient, Path], run_dir: Path
) -> None:
    """With the token as the form's first field (as the page sends it), the CSRF check reads only
    that far and the body streams to our own writer, as with the header (it used to be spooled
    whole by Litestar first): the page comes back with the problem and the titles."""
    client, evidence_dir = roomy_client
    client.cookies.clear()
    org = await make_organisation()
    await web_sign_in(client, await make_user("dept_lead", org))
    limit = room_left(run_dir)
    big = samples.pdf() + os.urandom(limit + 2 * MiB)
    with files_limited_to(limit):
        response = await post_form(
            client,
            slot(1, "Call recordings", "1", "1", "2026"),
            {"file-1": ("recordings.pdf", big, "application/pdf")},
        )
    assert response.status_code == 400, response.text[:500]
    soup = BeautifulSoup(response.text, "html.parser")
    assert [href for _, href in summary_errors(soup)] == ["#file-1"]
    assert FULL in soup.text
    assert soup.select_one("#title-1")["value"] == "Call recordings"  # type: ignore[index]
    nothing_kept(evidence_dir)
    assert await Evidence.count() == 0
