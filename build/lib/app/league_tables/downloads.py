"""The slow downloads of a table, made off the event loop and kept on disk: a published table never
changes, so each file is made once (and once more if the table is later marked as revised)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio

from app.league_tables import exports
from app.league_tables.display import BY_RANK, arrange
from app.reports import pdf
from app.templating import environment

# WeasyPrint lays out a long table at a few milliseconds a row: allow for the largest tables.
PDF_SECONDS_BASE = 60.0
PDF_SECONDS_PER_ROW = 0.05


def pdf_html(table: dict[str, Any], table_url: str) -> str:
    codes = [t["code"] for t in table["themes"]]
    return (
        environment()
        .get_template("league_tables/table_pdf.html")
        .render(
            table=table, table_url=table_url, shown=arrange(table["rows"], codes, BY_RANK, None)
        )
    )


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _keep(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)  # readers see the whole file or none


async def _kept(
    table: dict[str, Any], extension: str, cache_dir: Path, make: Callable[[], Awaitable[bytes]]
) -> bytes:
    state = "revised" if table.get("revised_by") else "current"
    path = cache_dir / f"{table['id']}-{state}.{extension}"
    data = await anyio.to_thread.run_sync(_read, path)
    if data is None:
        data = await make()
        await anyio.to_thread.run_sync(_keep, path, data)
    return data


async def pdf_of(table: dict[str, Any], table_url: str, cache_dir: Path) -> bytes:
    seconds = PDF_SECONDS_BASE + PDF_SECONDS_PER_ROW * len(table["rows"])

    async def make() -> bytes:
        return await pdf.render(pdf_html(table, table_url), pdf.REPORT_ASSETS, seconds)

    return await _kept(table, "pdf", cache_dir, make)


async def ods_of(table: dict[str, Any], table_url: str, cache_dir: Path) -> bytes:
    async def make() -> bytes:
        return await anyio.to_thread.run_sync(exports.to_ods, table, table_url)

    return await _kept(table, "ods", cache_dir, make)
