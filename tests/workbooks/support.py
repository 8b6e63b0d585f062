"""Workbooks for the tests: downloaded over HTTP, edited with openpyxl as a person's Excel would."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from httpx import AsyncClient
from openpyxl import Workbook, load_workbook


async def download(client: AsyncClient, path: str, headers: dict[str, str]) -> bytes:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    return response.content


def edited(data: bytes, change: Callable[[Workbook], Any]) -> bytes:
    """The workbook after `change` (full mode, so protection and validations are kept)."""
    book = load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row_of(book: Workbook, sheet: str, code: str) -> int:
    ws = book[sheet]
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == code:
            return r
    raise AssertionError(f"{code} is not on {sheet}")
