"""A published table as a PDF, rendered off the event loop and kept on disk: tables never change,
so each is rendered once."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from app.league_tables.display import BY_RANK, arrange
from app.reports import pdf
from app.templating import environment


def html_of(table: dict[str, Any], table_url: str) -> str:
    codes = [t["code"] for t in table["themes"]]
    return environment().get_template("league_tables/table_pdf.html").render(
        table=table, table_url=table_url, shown=arrange(table["rows"], codes, BY_RANK, None)
    )


async def pdf_of(table: dict[str, Any], table_url: str, cache_dir: Path) -> bytes:
    # The revised marking is part of the document, so a table gets a new file once it is revised.
    state = "revised" if table.get("revised_by") else "current"
    path = cache_dir / f"{table['id']}-{state}.pdf"
    if path.is_file():
        return path.read_bytes()
    data = await pdf.render(html_of(table, table_url))
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".part")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)  # readers see the whole file or none
    return data
