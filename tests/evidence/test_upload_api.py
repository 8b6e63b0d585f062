"""Uploading evidence over the API: allowed types by content, refusals, limits and storage."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import struct
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.audit.tables import AuditRecord
from app.evidence.tables import Evidence
from app.main import create_app
from app.settings import Settings
from tests.evidence import samples
from tests.factories import bearer, make_organisation, make_user


async def post_file(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    content: bytes,
    filename: str,
    organisation: str,
    title: str = "Complaints policy",
    **fields: str,
) -> httpx.Response:
    return await client.post(
        "/api/v1/evidence",
        headers=headers,
        data={"organisation": organisation, "title": title, **fields},
        files={"file": (filename, content, "application/pdf")},  # the declared type is ignored
    )


@pytest.fixture
async def dept() -> dict[str, Any]:
    org = await make_organisation()
    lead = await make_user("dept_lead", org)
    return {"org": org, "user": lead, "headers": await bearer(lead)}


@pytest.fixture(scope="module")
async def small_app_client(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[httpx.AsyncClient, Path]]:
    """An app of its own: 1 MB uploads and its own evidence folder, so its files can be counted."""
    evidence_dir = tmp_path_factory.mktemp("small") / "evidence"
    app = create_app(dataclasses.replace(settings, max_upload_mb=1, evidence_dir=evidence_dir))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
        yield client, evidence_dir


def blobs(evidence_dir: Path) -> list[Path]:
    return [p for p in evidence_dir.rglob("*") if p.is_file() and p.parent.name != "tmp"]


def temp_files(evidence_dir: Path) -> list[Path]:
    tmp = evidence_dir / "tmp"
    return list(tmp.iterdir()) if tmp.exists() else []


ALLOWED = [
    ("policy.pdf", samples.pdf(), "application/pdf"),
    (
        "policy.docx",
        samples.docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "figures.xlsx",
        samples.xlsx(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "board.pptx",
        samples.pptx(),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("policy.odt", samples.odf("text"), "application/vnd.oasis.opendocument.text"),
    ("figures.ods", samples.odf("spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet"),
    ("board.odp", samples.odf("presentation"), "application/vnd.oasis.opendocument.presentation"),
    ("complaints.csv", samples.CSV, "text/csv; charset=utf-8"),
    ("minutes.txt", samples.TEXT, "text/plain; charset=utf-8"),
    ("poster.png", samples.png(), "image/png"),
    ("photo.jpg", samples.jpeg(), "image/jpeg"),
]


@pytest.mark.parametrize(
    ("filename", "content", "media_type"), ALLOWED, ids=[a[0] for a in ALLOWED]
)
async def test_each_allowed_type_is_stored_with_the_type_its_content_shows(
    client: httpx.AsyncClient,
    dept: dict[str, Any],
    settings: Settings,
    filename: str,
    content: bytes,
    media_type: str,
) -> None:
    response = await post_file(
        client,
        dept["headers"],
        content,
        filename,
        dept["org"]["slug"],
        description="As approved by the board",
        effective_on="2026-01-31",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["media_type"] == media_type
    assert body["filename"] == filename
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["effective_on"] == "2026-01-31"
    assert body["title"] == "Complaints policy"
    stored = settings.evidence_dir / body["sha256"][:2] / body["sha256"][2:4] / body["sha256"]
    assert stored.read_bytes() == content


async def test_upload_is_recorded_in_the_audit_trail(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    response = await post_file(
        client, dept["headers"], samples.pdf(), "policy.pdf", dept["org"]["slug"]
    )
    record = await AuditRecord.select().where(AuditRecord.action == "evidence.upload").first()
    assert record is not None
    assert record["object_id"] == response.json()["id"]
    assert record["actor_id"] == str(dept["user"]["id"])


async def test_csv_is_told_from_text_by_its_content_or_by_name_once_known_to_be_text(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    sniffed = await post_file(
        client, dept["headers"], samples.CSV, "export.dat", dept["org"]["slug"]
    )
    named = await post_file(
        client, dept["headers"], b"one line only\n", "list.csv", dept["org"]["slug"]
    )
    prose = await post_file(client, dept["headers"], samples.TEXT, "notes", dept["org"]["slug"])
    assert sniffed.json()["media_type"] == "text/csv; charset=utf-8"
    assert named.json()["media_type"] == "text/csv; charset=utf-8"
    assert prose.json()["media_type"] == "text/plain; charset=utf-8"
    assert prose.json()["filename"] == "notes.txt"


async def test_a_png_named_pdf_is_stored_as_png_with_a_matching_name(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    response = await post_file(
        client, dept["headers"], samples.png(), "scan.pdf", dept["org"]["slug"]
    )
    assert response.status_code == 201
    assert response.json()["media_type"] == "image/png"
    assert response.json()["filename"] == "scan.png"


REFUSED = [
    ("linux program named .pdf", samples.ELF, "report.pdf", "program"),
    ("windows program named .pdf", samples.WINDOWS_EXE, "report.pdf", "program"),
    ("html named .pdf", samples.HTML, "report.pdf", "web page"),
    ("svg with script", samples.SVG, "chart.svg", "can run code"),
    ("svg with script named .png", samples.SVG, "chart.png", "web page"),
    ("shell script named .txt", samples.SCRIPT, "notes.txt", "script"),
    ("word with macros", samples.docm(), "policy.docx", "macros"),
    ("plain zip", samples._zip([("a.txt", b"hello")]), "bundle.zip", "zip archive"),
    ("windows-1252 text", "Café menu £3\n".encode("cp1252"), "menu.txt", "UTF-8"),
    ("gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "logo.gif", "PNG or JPEG"),
    ("old word", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "policy.doc", "old Office"),
]


@pytest.mark.parametrize(
    ("content", "filename", "reason"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
async def test_files_that_are_not_allowed_documents_are_refused_saying_why(
    small_app_client: tuple[httpx.AsyncClient, Path],
    dept: dict[str, Any],
    content: bytes,
    filename: str,
    reason: str,
) -> None:
    client, evidence_dir = small_app_client
    before = blobs(evidence_dir)
    response = await post_file(client, dept["headers"], content, filename, dept["org"]["slug"])
    assert response.status_code == 422, response.text
    message = response.json()["problems"]["file"]
    assert filename in message
    assert reason in message
    assert await Evidence.count() == 0
    assert blobs(evidence_dir) == before
    assert temp_files(evidence_dir) == []


async def test_empty_file_is_refused(
    small_app_client: tuple[httpx.AsyncClient, Path], dept: dict[str, Any]
) -> None:
    client, evidence_dir = small_app_client
    response = await post_file(client, dept["headers"], b"", "empty.pdf", dept["org"]["slug"])
    assert response.status_code == 422
    assert response.json()["problems"] == {"file": "The selected file 'empty.pdf' is empty"}
    assert temp_files(evidence_dir) == []


async def test_file_just_over_the_limit_answers_413_and_leaves_nothing_behind(
    small_app_client: tuple[httpx.AsyncClient, Path], dept: dict[str, Any]
) -> None:
    client, evidence_dir = small_app_client
    before = blobs(evidence_dir)
    content = samples.pdf() + b"%" * (1024 * 1024)
    response = await post_file(client, dept["headers"], content, "big.pdf", dept["org"]["slug"])
    assert response.status_code == 413, response.text
    assert (
        response.json()["problems"]["file"] == "The selected file 'big.pdf' must be 1 MB or smaller"
    )
    assert await Evidence.count() == 0
    assert blobs(evidence_dir) == before
    assert temp_files(evidence_dir) == []


async def test_file_at_exactly_the_limit_is_accepted(
    small_app_client: tuple[httpx.AsyncClient, Path], dept: dict[str, Any]
) -> None:
    client, _ = small_app_client
    head = samples.pdf()
    content = head + b"%" * (1024 * 1024 - len(head))
    response = await post_file(client, dept["headers"], content, "exact.pdf", dept["org"]["slug"])
    assert response.status_code == 201, response.text
    assert response.json()["size"] == 1024 * 1024


async def test_body_far_over_the_limit_is_refused_from_its_content_length(
    small_app_client: tuple[httpx.AsyncClient, Path], dept: dict[str, Any]
) -> None:
    client, evidence_dir = small_app_client
    response = await post_file(
        client,
        dept["headers"],
        b"%PDF-" + b"0" * (3 * 1024 * 1024),
        "huge.pdf",
        dept["org"]["slug"],
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "The file must be 1 MB or smaller"
    assert temp_files(evidence_dir) == []


async def test_zip_is_judged_from_its_directory_without_inflating_members(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    # 20 MB of zeros deflates to about 20 KB: detection must not read it back out.
    bomb = samples.xlsx(extra=[("xl/media/zeros.bin", b"\x00" * (20 * 1024 * 1024))])
    assert len(bomb) < 200_000
    response = await post_file(client, dept["headers"], bomb, "figures.xlsx", dept["org"]["slug"])
    assert response.status_code == 201
    assert response.json()["media_type"].endswith("spreadsheetml.sheet")


async def test_zip_claiming_too_many_entries_is_refused_before_its_directory_is_read(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    # A local header, then an end record claiming 20,000 entries: listing them could take
    # hundreds of megabytes, so the count is checked first.
    end_record = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 20_000, 20_000, 0, 30, 0)
    content = b"PK\x03\x04" + b"\x00" * 26 + end_record
    response = await post_file(client, dept["headers"], content, "many.xlsx", dept["org"]["slug"])
    assert response.status_code == 422
    assert "too many parts" in response.json()["problems"]["file"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\System32\\report.pdf", "report.pdf"),
        ("/var/evidence/ab/cd/report.pdf", "report.pdf"),
        ("rep\x7fort\x1b[31m\u0085.pdf", "report[31m.pdf"),
        ("invoice\u202efdp.exe.pdf", "invoicefdp.exe.pdf"),
        ("Cafe\u0301 plan.pdf", "Caf\u00e9 plan.pdf"),
        ("...pdf", "pdf.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ('a<b>:"c"|?*.pdf', "a_b___c____.pdf"),
    ],
)
async def test_filenames_are_sanitised(
    client: httpx.AsyncClient, dept: dict[str, Any], given: str, stored: str
) -> None:
    response = await post_file(client, dept["headers"], samples.pdf(), given, dept["org"]["slug"])
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == stored


async def test_very_long_filename_is_cut_keeping_its_extension(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    response = await post_file(
        client, dept["headers"], samples.pdf(), "é" * 600 + ".pdf", dept["org"]["slug"]
    )
    assert response.status_code == 201, response.text
    name = response.json()["filename"]
    assert len(name) == 150
    assert name == "é" * 146 + ".pdf"


async def test_same_bytes_twice_are_two_items_sharing_one_stored_file(
    small_app_client: tuple[httpx.AsyncClient, Path], dept: dict[str, Any]
) -> None:
    client, evidence_dir = small_app_client
    content = samples.pdf(f"Unique {os.urandom(8).hex()}")
    first = await post_file(
        client, dept["headers"], content, "a.pdf", dept["org"]["slug"], title="First"
    )
    second = await post_file(
        client, dept["headers"], content, "b.pdf", dept["org"]["slug"], title="Second"
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert first.json()["sha256"] == second.json()["sha256"]
    assert [p.name for p in blobs(evidence_dir)].count(first.json()["sha256"]) == 1
    assert temp_files(evidence_dir) == []


async def test_large_file_is_stored_byte_for_byte(
    client: httpx.AsyncClient, dept: dict[str, Any], settings: Settings
) -> None:
    """20 MiB arrives in many pieces, is gathered into batches written while the rest arrives,
    and is flushed in stages: what is stored and served back is exactly what was sent."""
    content = samples.pdf() + os.urandom(20 * 1024 * 1024)
    response = await post_file(client, dept["headers"], content, "big.pdf", dept["org"]["slug"])
    assert response.status_code == 201, response.text
    item = response.json()
    assert item["size"] == len(content)
    assert item["sha256"] == hashlib.sha256(content).hexdigest()
    served = await client.get(f"/api/v1/evidence/{item['id']}/file", headers=dept["headers"])
    assert served.status_code == 200
    assert served.content == content
    assert temp_files(settings.evidence_dir) == []


async def test_missing_fields_are_all_named(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    response = await client.post(
        "/api/v1/evidence",
        headers=dept["headers"],
        data={"organisation": dept["org"]["slug"], "effective_on": "31/01/2026"},
        files={"other": ("x.pdf", samples.pdf(), "application/pdf")},
    )
    assert response.status_code == 422
    assert response.json()["problems"] == {
        "effective_on": "Enter the effective date as YYYY-MM-DD, like 2026-03-31",
        "title": "Enter a title for the evidence",
    }


async def test_missing_file_is_named(client: httpx.AsyncClient, dept: dict[str, Any]) -> None:
    response = await client.post(
        "/api/v1/evidence",
        headers=dept["headers"],
        data={"organisation": dept["org"]["slug"], "title": "Policy"},
        files={"other": ("x.pdf", samples.pdf(), "application/pdf")},
    )
    assert response.status_code == 422
    assert response.json()["problems"] == {"file": "Select a file"}


async def test_future_effective_date_is_refused(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    response = await post_file(
        client,
        dept["headers"],
        samples.pdf(),
        "p.pdf",
        dept["org"]["slug"],
        effective_on="2999-01-01",
    )
    assert response.status_code == 422
    assert response.json()["problems"] == {
        "effective_on": "Effective date must be today or in the past"
    }


async def test_organisation_defaults_to_the_uploaders_own_and_may_be_given_by_id(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    by_default = await client.post(
        "/api/v1/evidence",
        headers=dept["headers"],
        data={"title": "Policy"},
        files={"file": ("p.pdf", samples.pdf(), "application/pdf")},
    )
    by_id = await post_file(client, dept["headers"], samples.pdf(), "p.pdf", str(dept["org"]["id"]))
    assert by_default.status_code == by_id.status_code == 201
    assert by_default.json()["organisation"] == by_id.json()["organisation"] == dept["org"]["slug"]


async def test_unknown_organisation_is_named(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    response = await post_file(client, dept["headers"], samples.pdf(), "p.pdf", "no-such-org")
    assert response.status_code == 422
    assert response.json()["problems"] == {
        "organisation": "No organisation has slug or id 'no-such-org'"
    }


@pytest.mark.parametrize("role", ["admin", "assessor", "lead_assessor", "publisher"])
async def test_only_department_staff_may_upload(
    client: httpx.AsyncClient, dept: dict[str, Any], role: str
) -> None:
    other = await make_user(role)
    response = await post_file(
        client, await bearer(other), samples.pdf(), "p.pdf", dept["org"]["slug"]
    )
    assert response.status_code == 403
    assert await Evidence.count() == 0


async def test_department_staff_cannot_upload_to_another_organisation(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    elsewhere = await make_organisation()
    contributor = await make_user("dept_contributor", elsewhere)
    response = await post_file(
        client, await bearer(contributor), samples.pdf(), "p.pdf", dept["org"]["slug"]
    )
    assert response.status_code == 403
    assert await Evidence.count() == 0


async def test_cookie_upload_needs_the_csrf_token(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    from tests.factories import csrf_token, web_sign_in

    await web_sign_in(client, dept["user"])
    refused = await post_file(client, {}, samples.pdf(), "p.pdf", dept["org"]["slug"])
    accepted = await post_file(
        client,
        {"x-csrf-token": await csrf_token(client)},
        samples.pdf(),
        "p.pdf",
        dept["org"]["slug"],
    )
    assert refused.status_code == 403
    assert accepted.status_code == 201


async def test_signed_out_upload_is_401(client: httpx.AsyncClient, dept: dict[str, Any]) -> None:
    response = await post_file(
        client, {"Authorization": "Bearer nonsense"}, samples.pdf(), "p.pdf", dept["org"]["slug"]
    )
    assert response.status_code == 401


async def test_form_that_is_not_multipart_is_refused(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    response = await client.post(
        "/api/v1/evidence", headers=dept["headers"], json={"title": "Policy"}
    )
    assert response.status_code == 422
    assert response.json()["problems"] == {"file": "Send the form as multipart/form-data"}


async def test_broken_multipart_is_refused_and_leaves_nothing_behind(
    small_app_client: tuple[httpx.AsyncClient, Path], dept: dict[str, Any]
) -> None:
    client, evidence_dir = small_app_client
    body = (
        b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="p.pdf"\r\n\r\n'
        + samples.pdf()
        + b"\r\n--b0undary"  # never closed
    )
    headers = {**dept["headers"], "content-type": "multipart/form-data; boundary=b0undary"}
    response = await client.post("/api/v1/evidence", headers=headers, content=body)
    assert response.status_code == 422
    assert response.json()["problems"]["file"].startswith("The form could not be read")
    assert temp_files(evidence_dir) == []


async def test_upload_cut_off_by_the_client_leaves_no_partial_file(
    settings: Settings, tmp_path: Path, dept: dict[str, Any]
) -> None:
    """Driven at the ASGI level: the client sends half the body, then goes away."""
    evidence_dir = tmp_path / "evidence"
    app = create_app(dataclasses.replace(settings, evidence_dir=evidence_dir))
    head = (
        b'--cut\r\nContent-Disposition: form-data; name="title"\r\n\r\nPolicy\r\n'
        b'--cut\r\nContent-Disposition: form-data; name="file"; filename="p.pdf"\r\n\r\n'
        + samples.pdf()
        + b"%" * (3 * 1024 * 1024)
    )
    messages = [
        {"type": "http.request", "body": head, "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/evidence",
        "raw_path": b"/api/v1/evidence",
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 5000),
        "server": ("testserver.local", 80),
        "headers": [
            (b"host", b"testserver.local"),
            (b"authorization", dept["headers"]["Authorization"].encode()),
            (b"content-type", b"multipart/form-data; boundary=cut"),
        ],
    }
    await app(scope, receive, send)
    assert await Evidence.count() == 0
    assert temp_files(evidence_dir) == []
    assert blobs(evidence_dir) == []


async def test_cookie_upload_with_the_token_in_the_form_is_accepted(
    client: httpx.AsyncClient, dept: dict[str, Any]
) -> None:
    """Litestar's CSRF check reads such a form itself, before the route can stream it."""
    from tests.factories import csrf_token, web_sign_in

    await web_sign_in(client, dept["user"])
    response = await post_file(
        client,
        {},
        samples.pdf(),
        "p.pdf",
        dept["org"]["slug"],
        _csrf_token=await csrf_token(client),
    )
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "p.pdf"
