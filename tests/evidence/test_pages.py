"""The evidence pages as a person meets them: library, upload form with its errors, item, delete."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from app.assessments.tables import Response, ResponseEvidence
from app.evidence.tables import Evidence
from app.main import create_app
from app.settings import Settings
from tests.evidence import samples
from tests.factories import csrf_token, make_assessment, make_organisation, make_user, web_sign_in


def page(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def summary_errors(soup: BeautifulSoup) -> list[tuple[str, str]]:
    return [
        (a.get_text(strip=True), a["href"]) for a in soup.select(".govuk-error-summary__list a")
    ]


def slot(
    n: int, title: str = "", day: str = "", month: str = "", year: str = "", description: str = ""
) -> dict[str, str]:
    return {
        f"title-{n}": title,
        f"description-{n}": description,
        f"effective_on-{n}-day": day,
        f"effective_on-{n}-month": month,
        f"effective_on-{n}-year": year,
    }


async def post_form(
    client: httpx.AsyncClient, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> httpx.Response:
    token = await csrf_token(client, "/evidence/upload")
    # An empty file input is sent by browsers as a part with an empty name and no content.
    parts = {
        f"file-{n}": files.get(f"file-{n}", ("", b"", "application/octet-stream"))
        for n in (1, 2, 3)
    }
    return await client.post("/evidence/upload", data={"_csrf_token": token, **fields}, files=parts)


@pytest.fixture
async def lead(client: httpx.AsyncClient) -> dict[str, Any]:
    org = await make_organisation(name="Office for Fair Queues")
    user = await make_user("dept_lead", org)
    await web_sign_in(client, user)
    return {"org": org, "user": user}


async def test_several_files_are_uploaded_at_once_and_listed_in_the_library(
    client: httpx.AsyncClient, lead: dict[str, Any]
) -> None:
    form = await client.get("/evidence/upload")
    soup = page(form)
    assert soup.title.get_text().startswith("Upload evidence")
    assert soup.select_one("main form")["enctype"] == "multipart/form-data"
    assert [i["name"] for i in soup.select("input.govuk-file-upload")] == [
        "file-1",
        "file-2",
        "file-3",
    ]

    response = await post_form(
        client,
        {
            **slot(1, "Complaints policy", "31", "3", "2026", "Board approved"),
            **slot(2, "Survey 2019", "1", "4", "2019"),
        },
        {
            "file-1": ("policy.pdf", samples.pdf(), "application/pdf"),
            "file-2": ("survey.csv", samples.CSV, "text/csv"),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/evidence?uploaded=2"

    library = page(await client.get(response.headers["location"]))
    assert (
        "2 evidence items uploaded" in library.select_one(".govuk-notification-banner").get_text()
    )
    rows = library.select("table tbody tr")
    cells = {
        r.select("td")[0].find("a").get_text(): [
            c.get_text(" ", strip=True) for c in r.select("td")
        ]
        for r in rows
    }
    assert set(cells) == {"Complaints policy", "Survey 2019"}
    assert cells["Complaints policy"][1] == "31 March 2026"
    assert cells["Survey 2019"][1].startswith("1 April 2019 Stale")
    assert cells["Complaints policy"][2] == dt.date.today().strftime("%-d %B %Y")
    assert cells["Complaints policy"][4] == "Not used yet"
    assert cells["Survey 2019"][5] == "Download Survey 2019"
    download = library.select_one("table a[download]")
    file = await client.get(download["href"])
    assert file.headers["content-disposition"].startswith("attachment;")


async def test_problems_in_several_slots_are_listed_in_page_order_and_typed_text_is_kept(
    client: httpx.AsyncClient, lead: dict[str, Any]
) -> None:
    response = await post_form(
        client,
        {
            **slot(1, "", "31", "2", "2026", "Keep this description"),
            **slot(2, "Program", "1", "1", "2026"),
        },
        {
            "file-1": ("policy.pdf", samples.pdf(), "application/pdf"),
            "file-2": ("payload.pdf", samples.WINDOWS_EXE, "application/pdf"),
        },
    )
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Error: Upload evidence")
    errors = summary_errors(soup)
    assert [href for _, href in errors] == ["#title-1", "#effective_on-1-day", "#file-2"]
    assert errors[0][0] == "Enter a title for the evidence"
    assert errors[1][0] == "Effective date must be a real date"
    assert "program" in errors[2][0]
    assert soup.find("textarea", id="description-1").get_text() == "Keep this description"
    assert soup.find("input", id="title-2")["value"] == "Program"
    assert soup.find("input", id="effective_on-1-day")["value"] == "31"
    assert soup.select_one("#file-2-error") is not None
    assert "choose your files again" in soup.select_one(".govuk-inset-text").get_text()
    assert await Evidence.count() == 0


async def test_an_empty_form_asks_for_a_file(
    client: httpx.AsyncClient, lead: dict[str, Any]
) -> None:
    response = await post_form(client, {}, {})
    assert response.status_code == 400
    assert summary_errors(page(response)) == [("Select a file", "#file-1")]


async def test_a_title_without_a_file_asks_for_the_file_and_date(
    client: httpx.AsyncClient, lead: dict[str, Any]
) -> None:
    response = await post_form(client, slot(3, "Minutes"), {})
    assert summary_errors(page(response)) == [
        ("Select a file", "#file-3"),
        ("Enter the date the document was produced or approved", "#effective_on-3-day"),
    ]


async def test_upload_started_from_an_assessment_goes_back_there(
    client: httpx.AsyncClient, lead: dict[str, Any]
) -> None:
    back = "/assessments/00000000-0000-4000-8000-000000000000/elements/LEAD.1.1"
    form = page(await client.get(f"/evidence/upload?return_to={back}"))
    assert form.find("input", attrs={"name": "return_to"})["value"] == back
    response = await post_form(
        client,
        {"return_to": back, **slot(1, "Policy", "1", "1", "2026")},
        {"file-1": ("p.pdf", samples.pdf(), "application/pdf")},
    )
    assert response.status_code == 303
    assert response.headers["location"] == back
    offsite = page(await client.get("/evidence/upload?return_to=//evil.example/x"))
    assert offsite.find("input", attrs={"name": "return_to"}) is None


async def test_item_page_shows_where_it_is_used_and_frozen_items_offer_no_delete(
    client: httpx.AsyncClient, lead: dict[str, Any]
) -> None:
    await post_form(
        client,
        slot(1, "Policy", "1", "1", "2026"),
        {"file-1": ("p.pdf", samples.pdf(), "application/pdf")},
    )
    item = await Evidence.select().first()
    submitted = await make_assessment(lead["org"], state="submitted", created_by=lead["user"])
    response = (
        await Response.select(Response.id).where(Response.assessment == submitted["id"]).first()
    )
    await ResponseEvidence(response=response["id"], evidence=item["id"]).save()

    soup = page(await client.get(f"/evidence/{item['id']}"))
    assert soup.h1.get_text() == "Policy"
    used = (
        soup.find("dt", string=lambda s: s and "Where used" in s)
        .find_next("dd")
        .get_text(" ", strip=True)
    )
    assert "Public Service Customer Standard" in used and "(submitted)" in used
    assert "cannot be deleted or changed" in soup.select_one(".govuk-inset-text").get_text()
    assert soup.find("a", string=lambda s: s and s.strip() == "Delete") is None

    token = await csrf_token(client)
    refused = await client.post(f"/evidence/{item['id']}/delete", data={"_csrf_token": token})
    assert refused.status_code == 409
    assert await Evidence.count() == 1


async def test_unused_item_is_deleted_after_confirming(
    client: httpx.AsyncClient, lead: dict[str, Any]
) -> None:
    await post_form(
        client,
        slot(1, "Old rota", "1", "1", "2026"),
        {"file-1": ("r.txt", samples.TEXT, "text/plain")},
    )
    item = await Evidence.select().first()
    show = page(await client.get(f"/evidence/{item['id']}"))
    confirm_link = show.find("a", string=lambda s: s and s.strip() == "Delete")["href"]
    confirm = page(await client.get(confirm_link))
    assert confirm.h1.get_text() == "Are you sure you want to delete \u2018Old rota\u2019?"
    token = await csrf_token(client)
    response = await client.post(
        confirm.select_one("main form")["action"], data={"_csrf_token": token}
    )
    assert response.status_code == 303
    library = page(await client.get(response.headers["location"]))
    assert "Evidence item deleted" in library.select_one(".govuk-notification-banner").get_text()
    assert await Evidence.count() == 0


async def test_another_organisations_item_page_is_not_found(
    client: httpx.AsyncClient, lead: dict[str, Any]
) -> None:
    elsewhere = await make_organisation()
    author = await make_user("dept_lead", elsewhere)
    item = Evidence(
        organisation=elsewhere["id"],
        title="Theirs",
        filename="t.pdf",
        media_type="application/pdf",
        size=3,
        sha256="0" * 64,
        uploaded_by=author["id"],
        uploaded_at=dt.datetime.now(dt.UTC),
    )
    await item.save()
    for path in (
        f"/evidence/{item.id}",
        f"/evidence/{item.id}/download",
        f"/evidence/{item.id}/delete",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert page(response).h1.get_text() == "Page not found"


async def test_signed_out_visitors_are_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    response = await client.get("/evidence")
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"].startswith("/sign-in?next=/evidence")


async def test_assessors_have_no_library(client: httpx.AsyncClient) -> None:
    assessor = await make_user("assessor")
    await web_sign_in(client, assessor)
    assert (await client.get("/evidence")).status_code == 403
    assert (await client.get("/evidence/upload")).status_code == 403


@pytest.fixture(scope="module")
async def small_client(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[httpx.AsyncClient, Path]]:
    evidence_dir = tmp_path_factory.mktemp("small-pages") / "evidence"
    app = create_app(dataclasses.replace(settings, max_upload_mb=1, evidence_dir=evidence_dir))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver.local"
    ) as c:
        yield c, evidence_dir


async def test_a_file_over_the_limit_is_named_on_the_form(
    small_client: tuple[httpx.AsyncClient, Path],
) -> None:
    client, evidence_dir = small_client
    client.cookies.clear()
    org = await make_organisation()
    await web_sign_in(client, await make_user("dept_contributor", org))
    big = samples.pdf() + b"%" * (1024 * 1024)
    response = await post_form(
        client,
        {**slot(1, "Big", "1", "1", "2026"), **slot(2, "Small", "1", "1", "2026")},
        {
            "file-1": ("big.pdf", big, "application/pdf"),
            "file-2": ("small.pdf", samples.pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert summary_errors(page(response)) == [
        ("The selected file 'big.pdf' must be 1 MB or smaller", "#file-1")
    ]
    assert await Evidence.count() == 0
    assert list((evidence_dir / "tmp").iterdir()) == []


async def test_a_form_far_over_the_limit_is_refused_unread(
    small_client: tuple[httpx.AsyncClient, Path],
) -> None:
    client, _ = small_client
    client.cookies.clear()
    org = await make_organisation()
    await web_sign_in(client, await make_user("dept_lead", org))
    huge = b"%PDF-" + b"0" * (4 * 1024 * 1024)
    response = await post_form(
        client, slot(1, "Huge", "1", "1", "2026"), {"file-1": ("huge.pdf", huge, "application/pdf")}
    )
    assert response.status_code == 413
    soup = page(response)
    assert summary_errors(soup) == [("Each file must be 1 MB or smaller", "#file-1")]
