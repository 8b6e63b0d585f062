"""Every export of a published table, parsed back: CSV, ODS, JSON and PDF."""

from __future__ import annotations

import csv
import io
import zipfile

from httpx import AsyncClient
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from odf.text import P
from pypdf import PdfReader

from app.league_tables.exports import neutralise
from tests.factories import make_organisation
from tests.league_tables.support import SLUG, concluded, publish, publisher_headers, small_framework


async def two_tables(client: AsyncClient) -> tuple[dict, dict]:
    """A first table, then a second in which one organisation fell and a hostile name arrived."""
    fw = await small_framework()
    headers = await publisher_headers()
    steady = await concluded(fw, 3, "2026-01-10", name="Steady Office")
    faller = await concluded(fw, 4, "2026-01-10", name="Faller Agency", kind="agency")
    first = await publish(client, headers, as_of="2026-02-01", title="Winter")
    await concluded(fw, 1, "2026-03-01", org=faller)
    hostile = await make_organisation(
        name='=HYPERLINK("http://evil.example","Click")', kind="other"
    )
    await concluded(fw, 2, "2026-03-01", org=hostile)
    second = await publish(client, headers, title="Spring")
    assert steady and second["rows"]
    return first, second


async def test_csv_is_one_row_per_organisation_with_documented_columns(client: AsyncClient) -> None:
    _, table = await two_tables(client)
    response = await client.get(f"/api/v1/league-tables/{table['id']}.csv")
    assert response.status_code == 200
    # One charset: Litestar adds it to text types itself, so naming it too said it twice.
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "rank",
        "organisation",
        "organisation_name",
        "organisation_kind",
        "award_code",
        "award_label",
        "overall_percent",
        "theme_SERVE_percent",
        "theme_LEARN_percent",
        "rank_change",
        "score_change",
        "framework_version",
        "concluded_on",
    ]
    assert [(r["rank"], r["organisation_name"]) for r in rows] == [
        ("1", "Steady Office"),
        ("2", '\'=HYPERLINK("http://evil.example","Click")'),
        ("3", "Faller Agency"),
    ]
    faller = rows[2]
    assert (
        faller["overall_percent"] == "25"
        and faller["award_code"] == ""
        and faller["award_label"] == ""
    )
    assert faller["rank_change"] == "-2" and faller["score_change"] == "-75"  # numbers stay numbers
    assert faller["organisation_kind"] == "agency" and faller["concluded_on"] == "2026-03-01"
    assert rows[0]["award_code"] == "gold" and rows[0]["theme_LEARN_percent"] == "75"
    assert rows[1]["rank_change"] == "" and rows[1]["score_change"] == ""  # not in the first table


def test_csv_neutralises_every_formula_starting_character() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Safe name") == "Safe name"


async def test_ods_has_a_cover_sheet_notes_and_the_table_with_a_header_row(
    client: AsyncClient,
) -> None:
    _, table = await two_tables(client)
    response = await client.get(f"/api/v1/league-tables/{table['id']}.ods")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert zipfile.ZipFile(io.BytesIO(response.content)).read("mimetype") == (
        b"application/vnd.oasis.opendocument.spreadsheet"
    )
    doc = load(io.BytesIO(response.content))
    sheets = doc.spreadsheet.getElementsByType(Table)
    assert [s.getAttribute("name") for s in sheets] == ["Cover_sheet", "Notes", "Table_1"]

    def rows_of(sheet: Table) -> list[list[str]]:
        return [
            [
                "".join(str(p) for p in cell.getElementsByType(P))
                for cell in row.getElementsByType(TableCell)
            ]
            for row in sheet.getElementsByType(TableRow)
        ]

    cover, notes, data = (rows_of(s) for s in sheets)
    assert cover[0] == ["Spring"]
    assert ["As of"] in cover and ["2026-04-01"] in cover
    assert notes[2] == ["Note number", "Note text"] and notes[3][0] == "[note 1]"
    assert data[0][0] == "Table 1: Spring, as of 2026-04-01"
    header = data[2]
    assert header[:6] == [
        "Rank [note 2]",
        "Organisation identifier",
        "Organisation",
        "Kind of body",
        "Award",
        "Overall percent [note 1]",
    ]
    assert header[6] == "Service percent [note 1] [note 5]"
    body = data[3:]
    assert [r[2] for r in body] == [
        "Steady Office",
        '=HYPERLINK("http://evil.example","Click")',
        "Faller Agency",
    ]
    assert body[1][-4:-2] == ["[x]", "[x]"]  # new to the table: GSS's "not available"
    assert body[2][4] == "No award"
    numbers = sheets[2].getElementsByType(TableRow)[3].getElementsByType(TableCell)
    assert (
        numbers[0].getAttribute("valuetype") == "float" and numbers[0].getAttribute("value") == "1"
    )
    assert numbers[2].getAttribute("valuetype") == "string"  # a name is text, never a formula


async def test_json_export_is_the_table(client: AsyncClient) -> None:
    _, table = await two_tables(client)
    response = await client.get(f"/api/v1/league-tables/{table['id']}.json")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == table["id"] and data["framework"] == SLUG
    assert data["rows"] == table["rows"]
    assert {
        "rank",
        "organisation",
        "award",
        "overall_percent",
        "themes",
        "rank_change",
        "score_change",
    } <= set(data["rows"][0])


async def test_pdf_export_reads_back_as_the_table(client: AsyncClient) -> None:
    _, table = await two_tables(client)
    response = await client.get(f"/api/v1/league-tables/{table['id']}.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Spring" in text and "Steady Office" in text and "Faller Agency" in text
    assert "Down 2" in text and "75.0%" in text
    assert "Changes are since" in text and "Winter" in text
    again = await client.get(f"/api/v1/league-tables/{table['id']}.pdf")
    assert again.content == response.content  # rendered once, then served from disk
