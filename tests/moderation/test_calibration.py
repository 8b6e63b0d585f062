"""Calibration for lead assessors: self-assessed against moderated percents by theme, per assessment
and across a framework, exact and shown to one decimal."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from httpx import AsyncClient

from app.templating import govuk_date
from tests.factories import bearer, make_organisation, make_user, web_sign_in
from tests.moderation.support import API, build_assessment, small_framework


async def two_moderated() -> tuple[dict, dict, dict]:
    fv = await small_framework()
    generous = await make_organisation(name="Generous Office")
    modest = await make_organisation(name="Modest Agency")
    # Generous scores itself 4 everywhere; LEAD.1.1 is moderated to 3: LEAD 87.5 against 100.
    a = await build_assessment(
        generous,
        state="moderated",
        framework_version=fv,
        default_score=4,
        moderated={"LEAD.1.1": 3},
    )
    # Modest scores itself 2 everywhere; INS.1.1 is moderated to 3: INS 62.5 against 50.
    b = await build_assessment(
        modest, state="concluded", framework_version=fv, default_score=2, moderated={"INS.1.1": 3}
    )
    return a, b, await make_user("lead_assessor")


async def test_gap_for_one_assessment_is_exact(client: AsyncClient) -> None:
    a, _, lead = await two_moderated()
    body = (await client.get(f"{API}/{a['id']}/calibration", headers=await bearer(lead))).json()
    assert body["organisation"] == "Generous Office"
    themes = {t["code"]: t for t in body["themes"]}
    assert (
        themes["LEAD"]["self"]["exact"] == "100" and themes["LEAD"]["moderated"]["exact"] == "175/2"
    )
    assert themes["LEAD"]["gap"] == {"exact": "25/2", "display": "+12.5"}
    assert themes["INS"]["gap"] == {"exact": "0", "display": "0.0"}
    # Overall: 100 against (87.5 * 3 + 100) / 4 = 90.625.
    assert body["overall"]["gap"] == {"exact": "75/8", "display": "+9.4"}


async def test_framework_calibration_shows_who_over_rates_and_by_how_much(
    client: AsyncClient,
) -> None:
    _, _, lead = await two_moderated()
    body = (
        await client.get("/api/v1/calibration/moderation-small", headers=await bearer(lead))
    ).json()
    assert body["assessments"] == 2
    themes = {t["code"]: t for t in body["themes"]}
    assert themes["LEAD"]["mean_gap"] == {"exact": "25/4", "display": "+6.3"}
    assert themes["INS"]["mean_gap"] == {"exact": "-25/4", "display": "\u22126.3"}
    assert [(o["organisation"], o["gap"]["display"]) for o in themes["LEAD"]["over_rating"]] == [
        ("Generous Office", "+12.5")
    ]
    assert themes["INS"]["over_rating"] == []
    assert body["overall"]["mean_gap"] == {"exact": "25/8", "display": "+3.1"}
    assert [(o["organisation"], o["mean_gap"]["display"]) for o in body["organisations"]] == [
        ("Generous Office", "+9.4"),
        ("Modest Agency", "\u22123.1"),
    ]


async def test_calibration_is_for_lead_assessors(client: AsyncClient) -> None:
    await two_moderated()
    assessor = await make_user("assessor")
    response = await client.get(
        "/api/v1/calibration/moderation-small", headers=await bearer(assessor)
    )
    assert response.status_code == 403
    unknown = await client.get(
        "/api/v1/calibration/no-such-framework",
        headers=await bearer(await make_user("lead_assessor")),
    )
    assert unknown.status_code == 404


async def test_calibration_page_lists_gaps_by_theme(client: AsyncClient) -> None:
    _, _, lead = await two_moderated()
    await web_sign_in(client, lead)
    index = BeautifulSoup((await client.get("/calibration")).text, "html.parser")
    assert index.select_one("a[href='/calibration/moderation-small']") is not None
    response = await client.get("/calibration/moderation-small")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    by_theme = soup.select("table")[0]
    rows = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in by_theme.select("tbody tr")
    ]
    submitted = govuk_date(dt.datetime.now(dt.UTC))
    assert rows[0] == [
        "LEAD: Leadership",
        "2",
        "+6.3",
        f"Generous Office (submitted {submitted}): +12.5",
    ]
    assert rows[1] == ["INS: Insight", "2", "\u22126.3", "Nobody"]
    each = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in soup.select("table")[2].select("tbody tr")
    ]
    assert [row[:2] for row in each] == [
        ["Generous Office", submitted],
        ["Modest Agency", submitted],
    ]
    assert "-" not in " ".join(cell for row in each for cell in row[3:])
