"""Builds a workbook (.xlsx bytes) from rows: protected structure, unlocked answer cells, drop-downs."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from app.workbooks.layout import (
    ASSESSMENT_NAME,
    COVER,
    IDENTITY,
    LISTS,
    Kind,
    cell_text,
    columns_of,
)

_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class Sheet:
    """One theme's sheet: its name, the theme's title and a row of values per element."""

    name: str
    title: str
    rows: Sequence[Sequence[Any]]


def build(
    kind: Kind,
    assessment_id: UUID,
    framework: tuple[str, str],
    cover: Sequence[str],
    labels: Sequence[str],
    sheets: Sequence[Sheet],
) -> bytes:
    """The workbook's bytes: a cover sheet of `cover` lines, a sheet per theme, and hidden sheets
    holding the score labels and which assessment (and kind of workbook) this is."""
    book = Workbook()
    front = book.active
    assert front is not None
    front.title = COVER
    front.column_dimensions["A"].width = 100
    for number, line in enumerate(cover, start=1):
        cell = front.cell(row=number, column=1, value=cell_text(line))
        cell.alignment = _WRAP
        if number == 1:
            cell.font = Font(bold=True, size=14)
    front.protection.sheet = True
    columns = columns_of(kind)
    for sheet in sheets:
        _theme_sheet(book, columns, sheet, len(labels))
    lists = book.create_sheet(LISTS)
    for number, label in enumerate(labels, start=1):
        lists.cell(row=number, column=1, value=label)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True
    identity = book.create_sheet(IDENTITY)
    for number, (key, value) in enumerate(
        (("assessment", str(assessment_id)), ("kind", str(kind)), ("framework", framework[0])),
        start=1,
    ):
        identity.cell(row=number, column=1, value=key)
        identity.cell(row=number, column=2, value=value)
    identity.cell(row=4, column=1, value="version")
    identity.cell(row=4, column=2, value=framework[1])
    identity.sheet_state = "veryHidden"
    identity.protection.sheet = True
    book.defined_names[ASSESSMENT_NAME] = DefinedName(
        ASSESSMENT_NAME, attr_text=f"'{IDENTITY}'!$B$1"
    )
    # Sheets cannot be added, removed, renamed or moved.
    book.security = WorkbookProtection(lockStructure=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _theme_sheet(book: Workbook, columns: Sequence[Any], sheet: Sheet, labels: int) -> None:
    ws = book.create_sheet(sheet.name)
    for number, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=number, value=column.header)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        ws.column_dimensions[letter].width = column.width
        ws.column_dimensions[letter].hidden = column.hidden
    ws.freeze_panes = "B2"
    score_columns = [n for n, c in enumerate(columns, start=1) if c.scale]
    for r, values in enumerate(sheet.rows, start=2):
        for number, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = ws.cell(
                row=r, column=number, value=cell_text(value) if isinstance(value, str) else value
            )
            cell.alignment = _WRAP
            if column.answer:
                cell.protection = _UNLOCKED
    last = len(sheet.rows) + 1
    if sheet.rows:
        for number in score_columns:
            letter = ws.cell(row=1, column=number).column_letter
            choice = DataValidation(
                type="list",
                formula1=f"'{LISTS}'!$A$1:$A${labels}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Not a level on the scale",
                error="Choose a score from the list",
            )
            choice.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(choice)
    # Rows and columns cannot be inserted, deleted or sorted; answer cells stay typeable.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
