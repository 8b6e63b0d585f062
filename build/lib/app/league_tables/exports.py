"""A published table as open data: tidy CSV (one row per organisation) and an accessible ODS
spreadsheet laid out as the Government Statistical Service recommends (cover sheet, notes, table).

Column meanings are documented in the README (docs: /work/helpers/readme-league-tables.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from odf import dc
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties
from odf.table import DatabaseRange, DatabaseRanges, Table, TableCell, TableColumn, TableRow
from odf.text import P

from app.organisations.kinds import KINDS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A CSV text cell a spreadsheet would run as a formula is kept as text (OWASP's advice).
    Numbers we write ourselves (a change of -2) are left as numbers. ODS needs none of this:
    its cells are typed, and a string cell is never a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number_text(value: float | int | None) -> str:
    """Numbers as plain decimals with at most 4 places ("66.6667", "100", "-2"); empty when null."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.4f}".rstrip("0").rstrip(".")


def csv_header(themes: Sequence[dict[str, str]]) -> list[str]:
    return [
        "rank",
        "organisation",
        "organisation_name",
        "organisation_kind",
        "award_code",
        "award_label",
        "overall_percent",
        *(f"theme_{t['code']}_percent" for t in themes),
        "rank_change",
        "score_change",
        "framework_version",
        "concluded_on",
    ]


def to_csv(table: dict[str, Any]) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheets read the names right), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_header(table["themes"]))
    for row in table["rows"]:
        award = row["award"] or {}
        text = [
            row["organisation"],
            row["organisation_name"],
            row["organisation_kind"],
            award.get("code", ""),
            award.get("label", ""),
        ]
        writer.writerow(
            [
                row["rank"],
                *(neutralise(t) for t in text),
                number_text(row["overall_percent"]),
                *(number_text(row["themes"].get(t["code"])) for t in table["themes"]),
                number_text(row["rank_change"]),
                number_text(row["score_change"]),
                neutralise(row["framework_version"]),
                row["concluded_on"],
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


# --- ODS ------------------------------------------------------------------------------------

NOT_AVAILABLE = "[x]"  # GSS shorthand: not available (the organisation was not in the last table)
NOT_APPLICABLE = "[z]"  # GSS shorthand: not applicable (every element of the theme was N/A)

NOTES = [
    (
        "[note 1]",
        "Percentages are the independent assessors' moderated scores, never an "
        "organisation's self-assessment, rounded to 4 decimal places. Ranks and changes "
        "are worked out from the exact values.",
    ),
    (
        "[note 2]",
        "Organisations with equal overall percentages share a rank (1, 2, 2, 4) and "
        "are listed in name order.",
    ),
    (
        "[note 3]",
        "Change in rank since the previous table of the same framework: a positive "
        "number means the organisation moved up. [x] means it was not in that table.",
    ),
    (
        "[note 4]",
        "Change in overall percentage since the previous table, in percentage points. "
        "[x] means the organisation was not in that table.",
    ),
    ("[note 5]", "A theme shown as [z] had every element marked not applicable."),
    (
        "[note 6]",
        "Each row is the organisation's latest concluded assessment on or before the "
        "as-of date that was still within the framework's certificate validity. "
        "Organisations without an award are listed too.",
    ),
]


class _Sheet:
    """Builds one worksheet row by row."""

    def __init__(self, name: str, styles: dict[str, Style], widths: Sequence[str]) -> None:
        self.table = Table(name=name)
        self.styles = styles
        for width in widths:
            self.table.addElement(TableColumn(stylename=styles[f"col-{width}"]))
        self.rows = 0

    def row(self, cells: Sequence[Any], style: str | None = None) -> None:
        tr = TableRow()
        for value in cells:
            tr.addElement(_cell(value, self.styles.get(style) if style else None))
        self.table.addElement(tr)
        self.rows += 1


def _cell(value: Any, style: Style | None) -> TableCell:
    kwargs: dict[str, Any] = {"stylename": style} if style is not None else {}
    if isinstance(value, bool) or value is None:
        value = "" if value is None else str(value)
    if isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=value, **kwargs)
        cell.addElement(P(text=number_text(value)))
        return cell
    cell = TableCell(valuetype="string", **kwargs)
    if value != "":
        cell.addElement(P(text=str(value)))
    return cell


def _styles(doc: OpenDocumentSpreadsheet, widths: set[str]) -> dict[str, Style]:
    styles: dict[str, Style] = {}
    title = Style(name="Title", family="table-cell")
    title.addElement(TextProperties(fontweight="bold", fontsize="16pt"))
    heading = Style(name="Heading", family="table-cell")
    heading.addElement(TextProperties(fontweight="bold", fontsize="12pt"))
    header = Style(name="ColumnHeader", family="table-cell")
    header.addElement(TextProperties(fontweight="bold"))
    header.addElement(ParagraphProperties(textalign="start"))
    for name, style in (("title", title), ("heading", heading), ("header", header)):
        doc.automaticstyles.addElement(style)
        styles[name] = style
    for width in sorted(widths):
        style = Style(name=f"col-{width}", family="table-column")
        style.addElement(TableColumnProperties(columnwidth=width))
        doc.automaticstyles.addElement(style)
        styles[f"col-{width}"] = style
    return styles


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def to_ods(table: dict[str, Any], table_url: str) -> bytes:
    themes = table["themes"]
    doc = OpenDocumentSpreadsheet()
    doc.meta.addElement(dc.Title(text=table["title"]))
    doc.meta.addElement(dc.Language(text="en-GB"))
    doc.meta.addElement(
        dc.Description(
            text=f"League table of {table['framework_title']} results as of {table['as_of']}"
        )
    )
    columns = [
        "Rank [note 2]",
        "Organisation identifier",
        "Organisation",
        "Kind of body",
        "Award",
        "Overall percent [note 1]",
        *(f"{t['title']} percent [note 1] [note 5]" for t in themes),
        "Change in rank [note 3]",
        "Change in overall percentage points [note 4]",
        "Framework version",
        "Concluded on [note 6]",
    ]
    styles = _styles(doc, {"3cm", "4cm", "6cm", "8cm", "12cm"})

    cover = _Sheet("Cover_sheet", styles, ["12cm", "12cm"])
    cover.row([table["title"]], "title")
    cover.row(
        [
            "This spreadsheet contains one table of league table results: each public "
            "body's latest independently moderated customer service assessment."
        ]
    )
    facts = [
        ("Framework", f"{table['framework_title']} ({table['framework']})"),
        ("As of", table["as_of"]),
        ("Published", table["published_at"][:10]),
        ("Table identifier", table["id"]),
        ("Source", table_url),
        ("Organisations", len(table["rows"])),
    ]
    if table.get("revises"):
        facts.append(
            (
                "Revises",
                f"{table['revises']['title']} ({table['revises']['id']}): "
                f"{table.get('revision_reason') or ''}",
            )
        )
    if table.get("revised_by"):
        facts.append(
            (
                "Revised by",
                f"This table has been revised: see "
                f"{table['revised_by']['title']} ({table['revised_by']['id']})",
            )
        )
    if table.get("compared_with"):
        facts.append(
            (
                "Changes compared with",
                f"{table['compared_with']['title']} (as of {table['compared_with']['as_of']})",
            )
        )
    for label, value in facts:
        cover.row([label], "heading")
        cover.row([value])
    cover.row(["Contents"], "heading")
    cover.row(["Notes: notes that apply to the table"])
    cover.row(["Table_1: the league table, one row per organisation"])

    notes = _Sheet("Notes", styles, ["3cm", "12cm"])
    notes.row(["Notes"], "title")
    notes.row(["This worksheet contains one table."])
    notes.row(["Note number", "Note text"], "header")
    for number, text in NOTES:
        notes.row([number, text])

    data = _Sheet(
        "Table_1", styles, ["3cm", "6cm", "12cm", "8cm", "4cm"] + ["4cm"] * (len(columns) - 5)
    )
    data.row([f"Table 1: {table['title']}, as of {table['as_of']}"], "title")
    data.row(
        [
            "This worksheet contains one table. Some column headings refer to notes which can "
            "be found on the Notes worksheet."
        ]
    )
    header_row = data.rows + 1
    data.row(columns, "header")
    for row in table["rows"]:
        award = row["award"]
        data.row(
            [
                row["rank"],
                row["organisation"],
                row["organisation_name"],
                KINDS.get(row["organisation_kind"], row["organisation_kind"]),
                award["label"] if award else "No award",
                row["overall_percent"],
                *(_theme_value(row["themes"], t["code"]) for t in themes),
                NOT_AVAILABLE if row["rank_change"] is None else row["rank_change"],
                NOT_AVAILABLE if row["score_change"] is None else row["score_change"],
                row["framework_version"],
                row["concluded_on"],
            ]
        )
    for sheet in (cover, notes, data):
        doc.spreadsheet.addElement(sheet.table)
    last = f"{_column_letters(len(columns) - 1)}{data.rows}"
    ranges = DatabaseRanges()
    ranges.addElement(
        DatabaseRange(
            name="league_table",
            containsheader="true",
            targetrangeaddress=f"Table_1.A{header_row}:Table_1.{last}",
        )
    )
    doc.spreadsheet.addElement(ranges)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def _theme_value(themes: dict[str, Any], code: str) -> Any:
    value = themes.get(code)
    if code not in themes:
        return NOT_AVAILABLE
    return NOT_APPLICABLE if value is None else value
