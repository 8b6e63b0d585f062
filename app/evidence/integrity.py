"""Evidence is frozen once stored: every download checks the bytes against the recorded size and
SHA-256 while streaming, and `charter evidence verify` checks every stored file."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio

from app import db
from app.audit.service import record
from app.evidence.storage import READ_CHUNK, Storage
from app.evidence.tables import Evidence

log = logging.getLogger("charter.integrity")
VERIFY_BATCH = 500


class IntegrityFailure(Exception):
    """The stored bytes are not the ones recorded: the download is cut off before its end."""


@dataclass(frozen=True)
class Mismatch:
    evidence_id: str
    sha256: str
    problem: str  # what is wrong, in words


def _compare(size: int, sha256: str, seen: int, digest: str) -> str | None:
    if seen != size:
        return f"the file has {'more' if seen > size else 'fewer'} bytes than the {size} recorded"
    if digest != sha256:
        return f"the file's SHA-256 is {digest}, not the {sha256} recorded"
    return None


async def report(actor: Any, item: dict[str, Any], problem: str) -> None:
    """Log and audit a stored file that is not what was recorded (seen by `actor`'s download)."""
    log.error("integrity failure: evidence %s (%s): %s", item["id"], item["sha256"], problem)
    async with db.transaction():
        await record(
            actor,
            "evidence.integrity_failure",
            "evidence",
            item["id"],
            after={"sha256": item["sha256"], "size": item["size"], "problem": problem},
        )


async def verified_chunks(
    storage: Storage, item: dict[str, Any], actor: Any, size: int = READ_CHUNK
) -> AsyncIterator[bytes]:
    """The blob's bytes in chunks, each held back until the next is read, and the last one sent
    only once the whole file matched its recorded size and hash: a file that does not match is
    cut off (IntegrityFailure), so the client never receives a complete wrong file."""
    digest, seen, expected = hashlib.sha256(), 0, int(item["size"])
    f = await anyio.to_thread.run_sync(storage.open, item["sha256"])
    try:
        held: bytes | None = None
        while chunk := await anyio.to_thread.run_sync(f.read, size):
            digest.update(chunk)
            seen += len(chunk)
            if seen > expected:
                break  # longer than recorded: no need to read the rest
            if held is not None:
                yield held
            held = chunk
        problem = _compare(expected, item["sha256"], seen, digest.hexdigest())
        if problem is not None:
            await report(actor, item, problem)
            raise IntegrityFailure(f"evidence {item['id']}: {problem}")
        if held is not None:
            yield held
    finally:
        f.close()


def _check(storage: Storage, sha256: str, size: int) -> str | None:
    try:
        f = storage.open(sha256)
    except FileNotFoundError:
        return "the file is missing"
    digest, seen = hashlib.sha256(), 0
    with f:
        while chunk := f.read(READ_CHUNK):
            digest.update(chunk)
            seen += len(chunk)
    return _compare(size, sha256, seen, digest.hexdigest())


async def verify_all(storage: Storage) -> tuple[int, list[Mismatch]]:
    """(files checked, every mismatch or missing file), over all evidence, a batch at a time."""
    checked, after = 0, None
    found: list[Mismatch] = []
    while True:
        query = Evidence.select(Evidence.id, Evidence.sha256, Evidence.size).order_by(Evidence.id)
        if after is not None:
            query = query.where(Evidence.id > after)
        rows = await query.limit(VERIFY_BATCH)
        if not rows:
            return checked, found
        for row in rows:
            problem = await anyio.to_thread.run_sync(_check, storage, row["sha256"], row["size"])
            checked += 1
            if problem is not None:
                found.append(Mismatch(str(row["id"]), row["sha256"], problem))
        after = rows[-1]["id"]
