"""The assessor's moderation workbook, downloaded and uploaded back over HTTP as real .xlsx files."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from openpyxl import Workbook

from app.moderation.tables import Moderation
from tests.assessments.support import small_framework
from tests.assessments.test_pages import soup, text
from tests.factories import (
    bearer,
    csrf_token,
    make_assessment,
    make_organisation,
    make_user,
    web_sign_in,
)
from tests.workbooks.support import download, edited, row_of

DEPT_SCORE, MODERATED, RATIONALE, STRENGTH, IMPROVEMENT, REVISION = 3, 5, 6, 7, 8, 9


async def _in_review(state: str = "in_review") -> tuple[dict[str, Any], dict[str, str], str]:
    fv = await small_framework()
    assessor = await make_user("assessor")
    assessment = await make_assessment(
        await make_organisation(), state, framework_version=fv, default_score=1, assessor=assessor
    )
    return (
        assessment,
        await bearer(assessor),
        f"/api/v1/assessments/{assessment['id']}/moderation.xlsx",
    )


async def _upload(client: AsyncClient, path: str, data: bytes, headers: dict[str, str]) -> Any:
    return await client.post(path, content=data, headers=headers)


def _moderate(book: Workbook) -> None:
    lead = book["LEAD"]
    lead.cell(row_of(book, "LEAD", "LEAD.1.1"), MODERATED).value = "1 - Developing"
    lead.cell(row_of(book, "LEAD", "LEAD.1.1"), STRENGTH).value = "A clear vision"
    r = row_of(book, "LEAD", "LEAD.1.2")
    lead.cell(r, MODERATED).value = "0 - Not in place"
    lead.cell(r, RATIONALE).value = "No review minutes were seen"
    lead.cell(r, IMPROVEMENT).value = "Minute the quarterly reviews"
    book["INS"].cell(2, MODERATED).value = "1 - Developing"


async def test_round_trip_stores_moderated_answers_then_leaves_them_alone(
    client: AsyncClient,
) -> None:
    assessment, headers, path = await _in_review()
    data = await download(client, path, headers)
    answer = await _upload(client, path, edited(data, _moderate), headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"updated": ["LEAD.1.1", "LEAD.1.2", "INS.1.1"], "unchanged": []}
    stored = {r["element_code"]: r for r in await Moderation.select()}
    assert stored["LEAD.1.2"]["score"] == 0
    assert stored["LEAD.1.2"]["rationale"] == "No review minutes were seen"
    assert stored["LEAD.1.2"]["improvement"] == "Minute the quarterly reviews"
    assert stored["LEAD.1.1"]["strength"] == "A clear vision"
    again = await download(client, path, headers)
    book_after = edited(again, lambda b: None)
    answer = await _upload(client, path, book_after, headers)
    assert answer.json()["updated"] == []
    complete = await client.post(
        f"/api/v1/assessments/{assessment['id']}/complete", headers=headers
    )
    assert complete.status_code == 200, complete.text


async def test_bad_moderation_cells_are_named_and_nothing_is_stored(client: AsyncClient) -> None:
    _, headers, path = await _in_review()
    data = await download(client, path, headers)

    def spoil(book: Workbook) -> None:
        book["LEAD"].cell(2, MODERATED).value = "Brilliant"
        book["LEAD"].cell(3, MODERATED).value = "0 - Not in place"  # differs, with no rationale

    answer = await _upload(client, path, edited(data, spoil), headers)
    assert answer.status_code == 422, answer.text
    problems = answer.json()["problems"]
    assert "'Brilliant' is not on the scale" in problems["LEAD!E2"]
    assert "rationale" in problems["LEAD!F3"]
    assert await Moderation.count() == 0


async def test_element_moderated_on_the_web_since_download_is_a_conflict(
    client: AsyncClient,
) -> None:
    assessment, headers, path = await _in_review()
    data = await download(client, path, headers)
    web = await client.put(
        f"/api/v1/assessments/{assessment['id']}/moderation/LEAD.1.1",
        json={"score": 1, "not_applicable": False, "rationale": "", "revision": 0},
        headers=headers,
    )
    assert web.status_code == 200, web.text
    answer = await _upload(client, path, edited(data, _moderate), headers)
    assert answer.status_code == 409, answer.text
    (conflict,) = answer.json()["conflicts"]
    assert conflict["element"] == "LEAD.1.1" and conflict["server"]["revision"] == 1
    assert await Moderation.count() == 1


async def test_only_the_assigned_assessor_in_review_with_a_moderation_workbook(
    client: AsyncClient,
) -> None:
    assessment, headers, path = await _in_review()
    data = await download(client, path, headers)
    lead = await make_user("lead_assessor")
    assert (await _upload(client, path, data, await bearer(lead))).status_code == 403
    other = await make_user("assessor")
    assert (await _upload(client, path, data, await bearer(other))).status_code == 404
    self_book = await download(
        client, f"/api/v1/assessments/{assessment['id']}/workbook.xlsx", headers
    )
    wrong_kind = await _upload(client, path, self_book, headers)
    assert wrong_kind.status_code == 422
    assert "not a moderation workbook" in wrong_kind.json()["problems"]["file"]
    done, done_headers, done_path = await _in_review("moderated")
    late = await _upload(
        client, done_path, await download(client, done_path, done_headers), done_headers
    )
    assert late.status_code == 409
    assert done["status"] == "moderated"


async def test_overview_links_and_upload_page(client: AsyncClient) -> None:
    fv = await small_framework()
    assessor = await make_user("assessor")
    assessment = await make_assessment(
        await make_organisation(),
        "in_review",
        framework_version=fv,
        default_score=1,
        assessor=assessor,
    )
    aid = assessment["id"]
    data = await download(
        client, f"/api/v1/assessments/{aid}/moderation.xlsx", await bearer(assessor)
    )
    await web_sign_in(client, assessor)
    overview = soup(await client.get(f"/moderation/{aid}"))
    links = {text(a): a["href"] for a in overview.select("a")}
    assert (
        links["Download the moderation as a spreadsheet"]
        == f"/api/v1/assessments/{aid}/moderation.xlsx"
    )
    assert links["upload a completed moderation spreadsheet"] == f"/moderation/{aid}/workbook"
    done = await client.post(
        f"/moderation/{aid}/workbook",
        files={"file": ("moderation.xlsx", edited(data, _moderate))},
        data={"_csrf_token": await csrf_token(client)},
        follow_redirects=True,
    )
    assert done.status_code == 200, done.text
    assert "3 elements updated, 0 unchanged" in text(soup(done))
