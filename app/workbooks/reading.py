"""Opens an uploaded workbook safely and reads its answer rows, naming each bad cell as Sheet!A1."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from app.errors import Invalid
from app.workbooks.layout import COVER, IDENTITY, LISTS, Kind, cell_text, columns_of
from app.workbooks.writing import Sheet

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a real 1,000-element workbook unpacks to a few MB
MAX_MEMBERS = 1_000
MAX_PROBLEMS = 200  # enough to fix a sheet; more would only bury the first ones
NOT_A_WORKBOOK = "The file is not an Excel workbook (.xlsx); upload the workbook you downloaded"


@dataclass(frozen=True)
class RowRead:
    """One element's row as uploaded: where it is, its answer cells' values and its revision."""

    sheet: str
    row: int
    code: str
    answers: tuple[Any, ...]
    revision: int

    def cell(self, answer_index: int, kind: Kind) -> str:
        """The Sheet!A1 name of the row's `answer_index`th answer cell."""
        columns = columns_of(kind)
        numbers = [n for n, c in enumerate(columns, start=1) if c.answer]
        return f"{self.sheet}!{get_column_letter(numbers[answer_index])}{self.row}"


def open_safely(data: bytes) -> Workbook:
    """The workbook in read-only mode, after checking it is a zip whose members unpack to a
    bounded size (a zip bomb is refused before anything is inflated); Invalid otherwise."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid(
            {"file": f"The workbook must be {MAX_UPLOAD_BYTES // 1024 // 1024} MB or smaller"}
        )
    if not data:
        raise Invalid({"file": "Choose the workbook to upload"})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Invalid({"file": NOT_A_WORKBOOK}) from exc
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise Invalid(
            {"file": "The workbook unpacks to far more than any Charter workbook; refused"}
        )
    try:
        # zipfile never inflates a member past the size it declares, so the check above holds.
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise Invalid({"file": NOT_A_WORKBOOK}) from exc


def _identity(book: Workbook) -> dict[str, str]:
    if IDENTITY not in book.sheetnames:
        raise Invalid(
            {"file": "This is not a workbook downloaded from Charter (it has no identity sheet)"}
        )
    found: dict[str, str] = {}
    for values in book[IDENTITY].iter_rows(min_row=1, max_row=4, max_col=2, values_only=True):
        if values and values[0] is not None:
            found[str(values[0])] = "" if values[1] is None else str(values[1])
    return found


def check_identity(book: Workbook, kind: Kind, assessment_id: UUID) -> None:
    """Invalid unless this is a `kind` workbook of this very assessment."""
    found = _identity(book)
    if found.get("kind") != str(kind):
        raise Invalid(
            {
                "file": f"This is a {found.get('kind') or 'different'} workbook, not a {kind} workbook"
            }
        )
    if found.get("assessment") != str(assessment_id):
        raise Invalid(
            {
                "file": f"This workbook belongs to another assessment ({found.get('assessment')}), "
                f"not this one ({assessment_id}); download this assessment's workbook"
            }
        )


def read_rows(book: Workbook, kind: Kind, expected: Sequence[Sheet], fixed: int) -> list[RowRead]:
    """Every element row, checked against `expected` (the sheets as Charter would write them,
    whose first `fixed` columns must be as written); Invalid naming every cell that is wrong."""
    columns = columns_of(kind)
    answer_at = [n for n, c in enumerate(columns) if c.answer]
    problems: dict[str, str] = {}
    wanted = [COVER, *(s.name for s in expected), LISTS, IDENTITY]
    if book.sheetnames != wanted:
        raise Invalid(
            {
                "file": "The workbook's sheets were added, removed, renamed or moved; "
                f"it must have exactly: {', '.join(wanted[:-1])}. Download it again"
            }
        )
    rows: list[RowRead] = []
    for sheet in expected:
        ws = book[sheet.name]
        seen = 0
        for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if len(problems) >= MAX_PROBLEMS:
                break
            values = tuple(values) + (None,) * (len(columns) - len(values))
            extra = [i for i, v in enumerate(values) if i >= len(columns) and v not in (None, "")]
            for i in extra:
                problems[f"{sheet.name}!{get_column_letter(i + 1)}{r}"] = (
                    "Nothing may be typed outside the answer columns"
                )
            if r == 1:
                headers = [c.header for c in columns]
                if list(values[: len(columns)]) != headers:
                    problems[f"{sheet.name}!A1"] = "The column headings were changed"
                continue
            if r - 2 >= len(sheet.rows):
                if any(v not in (None, "") for v in values):
                    problems[f"{sheet.name}!A{r}"] = "A row was added below the elements"
                continue
            seen += 1
            want = sheet.rows[r - 2]
            for i in range(fixed):
                if _text(values[i]) != _text(want[i]):
                    problems[f"{sheet.name}!{get_column_letter(i + 1)}{r}"] = (
                        f"This cell was changed: it should read '{str(want[i])[:60]}'"
                    )
            revision = values[len(columns) - 1]
            if not isinstance(revision, int) or isinstance(revision, bool) or revision < 0:
                problems[f"{sheet.name}!{get_column_letter(len(columns))}{r}"] = (
                    "The hidden revision was changed"
                )
                continue
            rows.append(
                RowRead(sheet.name, r, str(want[0]), tuple(values[i] for i in answer_at), revision)
            )
        if seen < len(sheet.rows):
            problems[f"{sheet.name}!A{seen + 2}"] = "Rows of elements were deleted"
    if problems:
        raise Invalid(problems, message=f"{len(problems)} cells of the workbook are wrong")
    return rows


def _text(value: Any) -> str:
    return "" if value is None else cell_text(str(value))
