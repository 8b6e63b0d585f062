"""The server killed (SIGKILL) in the middle of an evidence upload and in the middle of many
response saves: afterwards no partial file is in the evidence folder, no answer is half written,
and after a restart everything that was acknowledged is there. SQLite always; PostgreSQL too
when CHARTER_DATABASE_URL names it."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.evidence import samples
from tests.hostile.server import Server, server_on_new_database

SCENARIO_SECONDS = 60
WORKERS = 12  # concurrent clients, each saving its own element over and over
ACKNOWLEDGED_BEFORE_KILL = 40  # saves answered 200 before the kill, so some are surely committed
BOUNDARY = "charter-fault-test-boundary"


@pytest.fixture(params=["sqlite", "postgresql"])
async def server(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Server]:
    async with server_on_new_database(tmp_path, request.param) as server:
        yield server


def api(server: Server, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=httpx.Timeout(20),
        limits=httpx.Limits(max_connections=WORKERS + 4),
    )


# --- evidence ---------------------------------------------------------------------------------


def multipart(organisation: str, title: str, filename: str, content: bytes) -> bytes:
    def text(name: str, value: str) -> str:
        return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'

    head = (
        text("organisation", organisation)
        + text("title", title)
        + f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    return head.encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()


async def send_part_of_an_upload(
    server: Server, token: str, body: bytes, fraction: float
) -> asyncio.StreamWriter:
    """An upload over a raw socket, its body sent slowly and only in part; left hanging."""
    _, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        f"POST /api/v1/evidence HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Authorization: Bearer {token}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    cut = int(len(body) * fraction)
    for start in range(0, cut, 256 * 1024):
        writer.write(body[start : min(start + 256 * 1024, cut)])
        await writer.drain()
        await asyncio.sleep(0.01)
    return writer


def temporary_files(server: Server) -> list[Path]:
    return sorted((server.evidence_dir / "tmp").glob("*"))


async def until(condition: Any, what: str, seconds: float = 15) -> None:
    try:
        async with asyncio.timeout(seconds):
            while not condition():
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"within {seconds} s: {what}") from None


def assert_blobs_are_whole(server: Server) -> list[str]:
    """Every file outside tmp/ is a complete blob at ab/cd/<its own SHA-256>; their hashes."""
    hashes = []
    for path in server.evidence_dir.rglob("*"):
        if path.is_file() and "tmp" not in path.relative_to(server.evidence_dir).parts:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert path.relative_to(server.evidence_dir).parts == (digest[:2], digest[2:4], digest)
            hashes.append(digest)
    return sorted(hashes)


async def test_killed_mid_upload_leaves_no_partial_file_and_keeps_stored_evidence(
    server: Server,
) -> None:
    seed = server.seed()
    async with asyncio.timeout(SCENARIO_SECONDS):
        await server.start()
        kept = samples.pdf("Complaints policy")
        async with api(server, seed["token"]) as client:
            stored = await client.post(
                "/api/v1/evidence",
                data={"organisation": seed["organisation"], "title": "Complaints policy"},
                files={"file": ("policy.pdf", kept, "application/pdf")},
            )
        assert stored.status_code == 201, stored.text

        big = samples.pdf("Annual report") + b"%" + b"0123456789abcdef" * (256 * 1024)  # 4 MiB
        body = multipart(seed["organisation"], "Annual report", "report.pdf", big)
        writer = await send_part_of_an_upload(server, seed["token"], body, fraction=0.6)
        # The server is writing it: a temporary file with some of its bytes.
        await until(
            lambda: any(p.stat().st_size > 0 for p in temporary_files(server)),
            "the server starts writing the upload to a temporary file",
        )
        server.kill()
        writer.close()
        assert temporary_files(server), "the kill should have left the upload half written"

        await server.start()
        assert temporary_files(server) == [], "the restart removes the half-written upload"
        assert assert_blobs_are_whole(server) == [stored.json()["sha256"]]
        async with api(server, seed["token"]) as client:
            listing = (await client.get("/api/v1/evidence")).json()
            assert [item["id"] for item in listing["items"]] == [stored.json()["id"]]
            download = await client.get(f"/api/v1/evidence/{stored.json()['id']}/file")
            assert download.content == kept
            again = await client.post(
                "/api/v1/evidence",
                data={"organisation": seed["organisation"], "title": "Annual report"},
                files={"file": ("report.pdf", big, "application/pdf")},
            )
            assert again.status_code == 201, again.text
        assert temporary_files(server) == []
        assert_blobs_are_whole(server)


# --- responses --------------------------------------------------------------------------------


@dataclass
class Save:
    index: int
    score: int
    narrative: str


@dataclass
class Worker:
    element: str
    acknowledged: list[tuple[Save, int]] = field(default_factory=list)  # with the revision
    in_flight: Save | None = None  # sent in full, no answer before the kill


def save_number(worker: int, index: int, highest: int) -> Save:
    # Long enough that a torn write would show; the score is tied to the text.
    narrative = f"Worker {worker} save {index}. " + f"Evidence of practice {index}. " * 40
    return Save(index, index % (highest + 1), narrative)


async def keep_saving(
    client: httpx.AsyncClient, assessment: str, number: int, worker: Worker, highest: int
) -> None:
    revision = 0
    for index in range(10_000):
        save = save_number(number, index, highest)
        worker.in_flight = save
        try:
            answer = await client.put(
                f"/api/v1/assessments/{assessment}/responses/{worker.element}",
                json={"revision": revision, "score": save.score, "narrative": save.narrative},
            )
        except httpx.TransportError:
            return  # the server died with this save in flight
        assert answer.status_code == 200, answer.text
        worker.in_flight = None
        revision = answer.json()["revision"]
        worker.acknowledged.append((save, revision))


async def test_killed_mid_saves_keeps_every_acknowledged_answer_and_no_torn_one(
    server: Server,
) -> None:
    seed = server.seed()
    assessment, highest = seed["assessment"], seed["highest"]
    elements = seed["elements"]
    workers = [Worker(element) for element in elements[:WORKERS]]
    torn_element = elements[WORKERS]
    async with asyncio.timeout(SCENARIO_SECONDS):
        await server.start()
        async with api(server, seed["token"]) as client:
            tasks = [
                asyncio.create_task(keep_saving(client, assessment, n, w, highest))
                for n, w in enumerate(workers)
            ]
            # And one save whose body never finishes arriving.
            torn = save_number(99, 0, highest)
            _, writer = await asyncio.open_connection("127.0.0.1", server.port)
            body = (
                f'{{"revision": 0, "score": {torn.score}, "narrative": "{torn.narrative}"}}'
            ).encode()
            writer.write(
                f"PUT /api/v1/assessments/{assessment}/responses/{torn_element} HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{server.port}\r\nAuthorization: Bearer {seed['token']}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body[: len(body) // 2]
            )
            await writer.drain()
            await until(
                lambda: sum(len(w.acknowledged) for w in workers) >= ACKNOWLEDGED_BEFORE_KILL,
                f"{ACKNOWLEDGED_BEFORE_KILL} saves are acknowledged",
            )
            server.kill()
            await asyncio.gather(*tasks)
            writer.close()
        assert any(w.in_flight for w in workers), "the kill should cut saves off in flight"

        await server.start()
        async with api(server, seed["token"]) as client:
            shown = (await client.get(f"/api/v1/assessments/{assessment}")).json()
    stored = {r["element"]: r for r in shown["responses"]}
    for worker in workers:
        answer = stored[worker.element]
        # What a client sent in full, whole: the last acknowledged save, or the one in flight
        # if its commit beat the kill (then exactly one revision later).
        revision = worker.acknowledged[-1][1] if worker.acknowledged else 0
        candidates = {0: (None, "")}
        candidates.update({rev: (save.score, save.narrative) for save, rev in worker.acknowledged})
        if worker.in_flight is not None:
            candidates[revision + 1] = (worker.in_flight.score, worker.in_flight.narrative)
        assert answer["revision"] in (revision, revision + 1), (worker.element, revision)
        assert answer["revision"] in candidates, "the in-flight save cannot appear unless sent"
        assert (answer["score"], answer["narrative"]) == candidates[answer["revision"]]
    assert stored[torn_element]["revision"] == 0, "a save never fully received changes nothing"
    untouched = [stored[code] for code in elements[WORKERS:]]
    assert all(r["revision"] == 0 and r["narrative"] == "" for r in untouched)
