"""The self-assessment workbook (contract.md § Workbooks and interchange), downloaded and uploaded
back over HTTP as real .xlsx files."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

from httpx import AsyncClient
from openpyxl import Workbook, load_workbook

from app.assessments.tables import Response
from app.audit.tables import AuditRecord
from tests.assessments.support import make_evidence, small_framework
from tests.assessments.test_pages import soup, text
from tests.factories import (
    bearer,
    csrf_token,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
    web_sign_in,
)
from tests.workbooks.support import download, edited, row_of

SCORE, NARRATIVE, EVIDENCE, REVISION = 5, 6, 7, 8  # columns of a theme sheet


async def _draft(**kwargs: object) -> tuple[dict, dict, dict[str, str], str]:
    fv = await small_framework()
    org = await make_organisation()
    lead = await make_user("dept_lead", org)
    draft = await make_assessment(org, "draft", framework_version=fv, **kwargs)  # type: ignore[arg-type]
    return org, lead, await bearer(lead), f"/api/v1/assessments/{draft['id']}/workbook.xlsx"


async def _upload(client: AsyncClient, path: str, data: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return await client.post(
        path, content=data, headers={**headers, "content-type": "application/octet-stream"}
    )


async def test_download_has_cover_theme_sheets_drop_down_protection_and_revision(
    client: AsyncClient,
) -> None:
    org, lead, headers, path = await _draft(answers={"LEAD.1.1": 1})
    evidence = await make_evidence(org, lead, "Board minutes March")
    aid = path.split("/")[4]
    saved = await client.put(
        f"/api/v1/assessments/{aid}/responses/LEAD.1.1",
        json={
            "revision": 1,
            "score": 1,
            "narrative": "We publish it",
            "evidence": [str(evidence["id"])],
        },
        headers=headers,
    )
    assert saved.status_code == 200, saved.text
    book = load_workbook(io.BytesIO(await download(client, path, headers)))
    assert book.sheetnames == ["About this workbook", "LEAD", "INS", "Lists", "Charter"]
    assert (
        "how to fill it in"
        in " ".join(str(c.value) for c in book["About this workbook"]["A"]).lower()
    )
    lead_sheet = book["LEAD"]
    assert [c.value for c in lead_sheet[1]][:4] == ["Code", "Criterion", "Statement", "Guidance"]
    r = row_of(book, "LEAD", "LEAD.1.1")
    assert lead_sheet.cell(r, SCORE).value == "1 - Developing"
    assert lead_sheet.cell(r, NARRATIVE).value == "We publish it"
    assert "Board minutes March" in lead_sheet.cell(r, EVIDENCE).value
    assert str(evidence["id"]) in lead_sheet.cell(r, EVIDENCE).value
    assert lead_sheet.cell(r, REVISION).value == 2
    assert lead_sheet.column_dimensions["H"].hidden
    assert lead_sheet.protection.sheet
    assert not lead_sheet.cell(r, SCORE).protection.locked
    assert not lead_sheet.cell(r, NARRATIVE).protection.locked
    assert lead_sheet.cell(r, 3).protection.locked
    (validation,) = lead_sheet.data_validations.dataValidation
    assert validation.type == "list" and "E2:E3" in str(validation.sqref)
    labels = [c.value for c in book["Lists"]["A"]]
    assert labels == ["0 - Not in place", "1 - Developing", "2 - Established", "Not applicable"]
    assert book["Charter"]["B1"].value == aid
    assert book.security.lockStructure


async def test_round_trip_updates_changed_rows_and_lists_unchanged(client: AsyncClient) -> None:
    _, _, headers, path = await _draft(answers={"INS.1.1": 2})
    data = await download(client, path, headers)

    def fill(book: Workbook) -> None:
        ws = book["LEAD"]
        ws.cell(row_of(book, "LEAD", "LEAD.1.1"), SCORE).value = "2 - Established"
        ws.cell(row_of(book, "LEAD", "LEAD.1.1"), NARRATIVE).value = "Board adopted it"
        ws.cell(row_of(book, "LEAD", "LEAD.1.2"), SCORE).value = "Not applicable"
        ws.cell(row_of(book, "LEAD", "LEAD.1.2"), NARRATIVE).value = "We have no complaints body"

    answer = await _upload(client, path, edited(data, fill), headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"updated": ["LEAD.1.1", "LEAD.1.2"], "unchanged": ["INS.1.1"]}
    aid = path.split("/")[4]
    stored = {
        r["element"]: r
        for r in (await client.get(f"/api/v1/assessments/{aid}", headers=headers)).json()[
            "responses"
        ]
    }
    assert stored["LEAD.1.1"]["score"] == 2 and stored["LEAD.1.1"]["revision"] == 1
    assert stored["LEAD.1.2"]["not_applicable"] and stored["LEAD.1.2"]["narrative"].startswith(
        "We have"
    )
    assert stored["INS.1.1"]["revision"] == 1
    saves = await AuditRecord.count().where(AuditRecord.action == "response.save")
    assert saves == 2
    again = await _upload(client, path, await download(client, path, headers), headers)
    assert again.json() == {"updated": [], "unchanged": ["LEAD.1.1", "LEAD.1.2", "INS.1.1"]}


async def test_bad_cells_are_each_named_and_nothing_is_stored(client: AsyncClient) -> None:
    _, _, headers, path = await _draft()
    data = await download(client, path, headers)

    def spoil(book: Workbook) -> None:
        ws = book["LEAD"]
        ws["E2"] = "Excellent"
        ws["E3"] = "Not applicable"  # with no justification
        ws["C2"] = "A statement rewritten"
        book["INS"]["E2"] = "2"  # the level's number is accepted
        book["INS"]["J2"] = "note"

    answer = await _upload(client, path, edited(data, spoil), headers)
    assert answer.status_code == 422, answer.text
    problems = answer.json()["problems"]
    assert "LEAD!C2" in problems and "changed" in problems["LEAD!C2"]
    assert set(problems) == {"LEAD!C2", "INS!J2"}  # the structure is checked before the answers
    answer = await _upload(
        client,
        path,
        edited(
            data,
            lambda b: (
                b["LEAD"].__setitem__("E2", "Excellent"),
                b["LEAD"].__setitem__("E3", "Not applicable"),
            ),
        ),
        headers,
    )
    assert answer.status_code == 422
    problems = answer.json()["problems"]
    assert "'Excellent' is not on the scale" in problems["LEAD!E2"]
    assert "LEAD.1.2" in problems["LEAD!F3"]  # explain why it does not apply
    assert await Response.count() == 0


async def test_row_changed_on_the_web_since_download_is_a_conflict(client: AsyncClient) -> None:
    _, _, headers, path = await _draft(answers={"LEAD.1.1": 1})
    data = await download(client, path, headers)
    aid = path.split("/")[4]
    web = await client.put(
        f"/api/v1/assessments/{aid}/responses/LEAD.1.1",
        json={"revision": 1, "score": 0, "narrative": "Changed on the web"},
        headers=headers,
    )
    assert web.status_code == 200

    def fill(book: Workbook) -> None:
        book["LEAD"]["E2"] = "2 - Established"
        book["INS"]["E2"] = "1 - Developing"

    answer = await _upload(client, path, edited(data, fill), headers)
    assert answer.status_code == 409, answer.text
    (conflict,) = answer.json()["conflicts"]
    assert conflict["element"] == "LEAD.1.1"
    assert (
        conflict["server"]["narrative"] == "Changed on the web"
        and conflict["server"]["revision"] == 2
    )
    assert await Response.count().where(Response.element_code == "INS.1.1") == 0


async def test_workbook_of_another_assessment_is_refused(client: AsyncClient) -> None:
    org, _, headers, path = await _draft()
    other = await make_assessment(org, "draft", framework_version=await make_framework_version())
    other_data = await download(client, f"/api/v1/assessments/{other['id']}/workbook.xlsx", headers)
    answer = await _upload(client, path, other_data, headers)
    assert answer.status_code == 422
    assert "another assessment" in answer.json()["problems"]["file"]


async def test_not_a_workbook_and_a_zip_bomb_are_refused_without_a_traceback(
    client: AsyncClient,
) -> None:
    _, _, headers, path = await _draft()
    text_file = await _upload(client, path, b"code,score\nLEAD.1.1,2\n", headers)
    assert text_file.status_code == 422
    assert "not an Excel workbook" in text_file.json()["problems"]["file"]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (200 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    refused = await _upload(client, path, bomb.getvalue(), headers)
    assert refused.status_code == 422
    assert "unpacks to far more" in refused.json()["problems"]["file"]
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert (await _upload(client, path, other_zip.getvalue(), headers)).status_code == 422


async def test_who_may_upload_and_when(client: AsyncClient) -> None:
    org, _, headers, path = await _draft()
    data = await download(client, path, headers)
    contributor = await make_user("dept_contributor", org)
    assert (await _upload(client, path, data, await bearer(contributor))).status_code == 200
    stranger = await make_user("dept_lead", await make_organisation())
    assert (await _upload(client, path, data, await bearer(stranger))).status_code == 404
    assessor = await make_user("admin")
    assert (await _upload(client, path, data, await bearer(assessor))).status_code == 403
    fv = await small_framework("2.0")
    submitted = await make_assessment(org, "submitted", framework_version=fv)
    spath = f"/api/v1/assessments/{submitted['id']}/workbook.xlsx"
    late = await _upload(client, spath, await download(client, spath, headers), headers)
    assert late.status_code == 409


async def test_page_link_and_upload_form_with_csrf(client: AsyncClient) -> None:
    _, lead, headers, path = await _draft()
    aid = path.split("/")[4]
    data = await download(client, path, headers)
    await web_sign_in(client, lead)
    task_list = soup(await client.get(f"/assessments/{aid}"))
    links = {text(a): a["href"] for a in task_list.select("a")}
    assert links["Download as a spreadsheet"] == path
    assert links["upload a completed spreadsheet"] == f"/assessments/{aid}/workbook"
    token = await csrf_token(client)
    bad = edited(data, lambda b: b["LEAD"].__setitem__("E2", "Excellent"))
    page = await client.post(
        f"/assessments/{aid}/workbook",
        files={"file": ("answers.xlsx", bad)},
        data={"_csrf_token": token},
    )
    assert page.status_code == 400
    cells = [text(td) for td in soup(page).select("td")]
    assert "LEAD!E2" in cells
    good = edited(data, lambda b: b["LEAD"].__setitem__("E2", "1 - Developing"))
    done = await client.post(
        f"/assessments/{aid}/workbook",
        files={"file": ("answers.xlsx", good)},
        data={"_csrf_token": token},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert "1 element updated, 2 unchanged" in text(soup(done))
    no_token = await client.post(f"/assessments/{aid}/workbook", files={"file": ("a.xlsx", good)})
    assert no_token.status_code == 403


def _big_framework(elements: int) -> str:
    lines = [
        "format: 1",
        "slug: big-standard",
        'version: "1.0"',
        "title: Big Standard",
        "scale:",
        "  levels:",
        "    - {value: 0, label: Not met}",
        "    - {value: 1, label: Partly met}",
        "    - {value: 2, label: Met}",
        "awards:",
        "  - code: accredited",
        "    label: Accredited",
        "themes:",
    ]
    for t in range(10):
        lines += [
            f"  - code: T{t}",
            f"    title: Theme {t}",
            "    criteria:",
            f"      - code: T{t}.1",
            "        title: All",
            "        elements:",
        ]
        for e in range(elements // 10):
            lines += [
                f"          - code: T{t}.1.{e}",
                f"            statement: Statement {t}.{e} of a few words.",
                "            guidance: Some guidance to read.",
            ]
    return "\n".join(lines) + "\n"


async def test_a_300_element_workbook_round_trips_quickly_in_bounded_memory(
    client: AsyncClient,
) -> None:
    fv = await make_framework_version(text=_big_framework(300))
    org = await make_organisation()
    lead = await make_user("dept_lead", org)
    draft = await make_assessment(org, "draft", framework_version=fv)
    headers = await bearer(lead)
    path = f"/api/v1/assessments/{draft['id']}/workbook.xlsx"
    started = time.perf_counter()
    data = await download(client, path, headers)

    def fill(book: Workbook) -> None:
        for t in range(10):
            for r in range(2, 32):
                book[f"T{t}"].cell(r, SCORE).value = "2 - Met"
                book[f"T{t}"].cell(r, NARRATIVE).value = "We do this well " * 20

    filled = edited(data, fill)
    tracemalloc.start()
    answer = await _upload(client, path, filled, headers)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["updated"]) == 300
    assert peak < 60 * 1024 * 1024, peak
    assert elapsed < 30, elapsed
