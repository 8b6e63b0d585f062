"""A 100 MB evidence upload (POST /api/v1/evidence, multipart) against the floor of reading the
same request raw: the identical bytes and headers sent to a bench-only route that drains the body.

Memory is the server process's own, from /proc/<pid>/status: the peak (VmHWM, reset just before
each request, and VmRSS sampled every 2 ms) minus VmRSS just before the request.
Targets (issue 8): growth under 16 MB, time at most 3x the raw read.

An upload must also put its 100 MB on disk, which the raw read does not; a context row times
that alone (the same bytes written to a new file in the evidence folder and flushed, as the
upload does), in the same run, so a slow disk shows as what it is.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.bench_app import DRAIN
from bench.client import Connection, Reply
from bench.context import Context
from bench.figures import Figure, at_most, ratio_of, skipped
from bench.server import PeakSampler, memory_kb, reset_peak

ROUTE = "/api/v1/evidence"
SIZE = 100 * 1024 * 1024
MAX_GROWTH_MB = 16
MAX_TIME_RATIO = 3.0
BOUNDARY = "charterbenchboundary7MA4YWxkTrZu0gW"


def multipart_body(path: Path, organisation: str, size: int = SIZE) -> None:
    """The request body a browser would send: organisation, title and a PDF of `size` bytes
    (random after the header, so it is neither compressible nor already stored)."""

    def field(name: str, value: str) -> bytes:
        return (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()

    with path.open("wb") as f:
        f.write(field("organisation", organisation))
        f.write(field("title", "Customer journey recordings, 2026"))
        f.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            'filename="journey-recordings.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        )
        f.write(b"%PDF-1.7\n")
        left = size - 9
        while left > 0:
            chunk = os.urandom(min(left, 8 * 1024 * 1024))
            f.write(chunk)
            left -= len(chunk)
        f.write(f"\r\n--{BOUNDARY}--\r\n".encode())


def disk_write(body: Path, folder: Path) -> float:
    """Seconds to copy `body` into a new file in `folder` in 1 MiB chunks, then fsync it."""
    target = folder / f"bench-disk-floor-{time.monotonic_ns()}"
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    try:
        with body.open("rb") as source, target.open("wb") as out:
            while chunk := source.read(1024 * 1024):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        return time.perf_counter() - began
    finally:
        target.unlink(missing_ok=True)


async def send(
    ctx: Context, path: str, body: Path, headers: dict[str, str]
) -> tuple[float, float, Reply]:
    """Seconds taken and the server's memory growth in MB, for one request."""
    pid = ctx.server.pid
    connection = Connection(ctx.server.port)
    try:
        await connection.request("GET", "/healthz")  # connect first: time the request alone
        before = memory_kb(pid)["VmRSS"]
        reset_peak(pid)
        with PeakSampler(pid) as sampler:
            began = time.perf_counter()
            reply = await connection.request("POST", path, headers, body_file=body)
            elapsed = time.perf_counter() - began
        peak = max(sampler.peak_kb, memory_kb(pid)["VmHWM"])
    finally:
        await connection.close()
    return elapsed, (peak - before) / 1024, reply


async def run(ctx: Context) -> list[Figure]:
    db = ctx.database
    if not ctx.has_route("POST", ROUTE):
        return [skipped("evidence upload (100 MB)", "route missing", db)]
    body = ctx.environment.root / "upload.multipart"
    multipart_body(body, ctx.seeded.organisation["slug"])
    headers = {
        "Authorization": f"Bearer {ctx.seeded.lead_token}",
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
    }
    rounds = int(ctx.scale(1, 2))
    raw_times, raw_growth, times, growth, disk_times = [], [], [], [], []
    evidence_dir = Path(ctx.environment.env["CHARTER_EVIDENCE_DIR"])
    failed = ""
    for _ in range(rounds):
        disk_times.append(disk_write(body, evidence_dir))
        elapsed, grown, reply = await send(ctx, DRAIN, body, headers)
        raw_times.append(elapsed)
        raw_growth.append(grown)
        elapsed, grown, reply = await send(ctx, ROUTE, body, headers)
        if reply.status != 201:
            failed = f"upload answered {reply.status}: {reply.body[:200].decode(errors='replace')}"
            break
        times.append(elapsed)
        growth.append(grown)
        # A new file each round: the same bytes again would be stored once, and cost less.
        multipart_body(body, ctx.seeded.organisation["slug"])
    body.unlink(missing_ok=True)
    raw, took = min(raw_times), min(times) if times else None
    time_ratio = ratio_of(took, raw)
    most = max(growth) if growth else None
    label = "evidence upload (100 MB)"
    disk = min(disk_times)
    return [
        Figure(
            label,
            "time",
            took,
            "s",
            raw,
            "raw stream read",
            time_ratio,
            f"<= {MAX_TIME_RATIO:g}x",
            at_most(time_ratio, MAX_TIME_RATIO) if not failed else False,
            db,
            note=failed,
            detail={"upload_s": times, "raw_s": raw_times},
        ),
        Figure(
            label,
            "peak memory growth",
            most,
            "MB",
            max(raw_growth),
            "raw stream read",
            None,
            f"< {MAX_GROWTH_MB} MB",
            (most < MAX_GROWTH_MB) if most is not None else False,
            db,
            note=f"worst of {rounds}" if rounds > 1 else "",
            detail={"upload_mb": growth, "raw_mb": raw_growth},
        ),
        Figure(
            label,
            "time (context)",
            took,
            "s",
            raw + disk,
            "raw read + disk write",
            ratio_of(took, raw + disk),
            database=db,
            note=f"writing the 100 MB to a new file and flushing it alone took {disk:.2f} s",
            detail={"disk_write_s": disk_times},
        ),
    ]
