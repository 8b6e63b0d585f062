"""The version of a framework in force: the highest `effective_from` that has started, then the
highest version, wherever "latest" is meant; when a version was loaded makes no difference."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from httpx import AsyncClient

from app.frameworks.currency import Candidate, current, version_order
from tests.factories import (
    MAIN_FRAMEWORK,
    bearer,
    make_framework_version,
    make_organisation,
    make_user,
    web_sign_in,
)

SLUG = "public-service-customer-standard"
TODAY = dt.date(2026, 12, 8)


def version_text(version: str, effective_from: str) -> str:
    text = MAIN_FRAMEWORK.read_text()
    assert 'version: "2026.1"' in text and "effective_from: 2026-04-01" in text
    return text.replace('version: "2026.1"', f'version: "{version}"', 1).replace(
        "effective_from: 2026-04-01", f"effective_from: {effective_from}", 1
    )


def test_the_latest_started_version_is_in_force_whatever_the_order_given() -> None:
    old = Candidate("2025.1", dt.date(2025, 4, 1))
    new = Candidate("2026.1", dt.date(2026, 4, 1))
    future = Candidate("2027.1", dt.date(2027, 4, 1))
    assert current([new, old, future], TODAY) == new
    assert current([future, old, new], TODAY) == new
    same_day = Candidate("2026.10", dt.date(2026, 4, 1))
    assert current([same_day, new, Candidate("2026.9", dt.date(2026, 4, 1))], TODAY) == same_day
    assert current([Candidate("1", None), old], TODAY) == old  # no date: in force from the start
    assert current([future, Candidate("2028.1", dt.date(2028, 1, 1))], TODAY) == future
    assert current([], TODAY) is None
    assert version_order("2026.10") > version_order("2026.9")


async def test_loading_an_older_version_after_a_newer_changes_nothing(
    client: AsyncClient,
) -> None:
    newer = await make_framework_version()  # 2026.1, effective from 1 April 2026
    await make_framework_version(text=version_text("2025.1", "2025-04-01"))
    await make_framework_version(text=version_text("2099.1", "2099-04-01"))  # not started yet
    org = await make_organisation()
    lead = await make_user("dept_lead", org)

    started = await client.post(
        "/api/v1/assessments",
        json={"organisation": org["slug"], "framework": SLUG},
        headers=await bearer(lead),
    )
    assert started.status_code == 201, started.text
    assert started.json()["version"] == newer["version"]

    await web_sign_in(client, lead)
    page = BeautifulSoup((await client.get(f"/frameworks/{SLUG}")).text, "html.parser")
    assert "2026.1" in page.get_text() and "2025.1" not in page.get_text()
    index = BeautifulSoup((await client.get("/frameworks")).text, "html.parser")
    in_force = [
        tr.get_text(" ", strip=True)
        for tr in index.select("tbody tr")
        if "In force" in tr.get_text()
    ]
    assert len(in_force) == 1 and "2026.1" in in_force[0]
