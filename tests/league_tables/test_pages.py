"""The public league table pages, read signed out, and the publisher's pages."""

from __future__ import annotations

from bs4 import BeautifulSoup
from httpx import AsyncClient

from app.league_tables.tables import LeagueTable
from tests.factories import csrf_token, make_user, web_sign_in
from tests.league_tables.support import SLUG, concluded, publish, publisher_headers, small_framework


def page(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def table_rows(soup: BeautifulSoup) -> list[list[str]]:
    table = soup.select_one("table.charter-league")
    return [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        for tr in table.select("tbody tr")
    ]


async def published(client: AsyncClient) -> tuple[dict, dict, dict]:
    fw = await small_framework()
    headers = await publisher_headers()
    # Overall is the mean of SERVE and LEARN; the orders by theme differ from the order overall.
    service_first = await concluded(
        fw,
        2,
        "2026-01-10",
        name="Service First",
        moderated={"SERVE.1.1": 4, "SERVE.1.2": 4, "LEARN.1.1": 2},
    )
    learner = await concluded(
        fw,
        2,
        "2026-01-10",
        name="Learner Agency",
        kind="agency",
        moderated={"SERVE.1.1": 1, "SERVE.1.2": 1, "LEARN.1.1": 4},
    )
    first = await publish(client, headers, as_of="2026-02-01", title="Winter")
    await concluded(fw, 4, "2026-03-01", org=learner)
    second = await publish(client, headers, title="Spring")
    assert service_first
    return first, second, learner


async def test_signed_out_reader_sees_the_list_of_tables(client: AsyncClient) -> None:
    await published(client)
    response = await client.get("/league-tables")
    assert response.status_code == 200
    soup = page(response.text)
    assert soup.h1.get_text(strip=True) == "League tables"
    links = [a.get_text(strip=True) for a in soup.select("table a")]
    assert links == ["Spring", "Winter"]
    assert "Publish a league table" not in response.text


async def test_table_page_is_an_accessible_data_table_with_changes(client: AsyncClient) -> None:
    _, second, _ = await published(client)
    response = await client.get(f"/league-tables/{second['id']}")
    assert response.status_code == 200
    soup = page(response.text)
    table = soup.select_one("table.charter-league")
    assert table.caption.get_text(strip=True).startswith("Spring: 2 organisations")
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers == [
        "Rank",
        "Organisation",
        "Award",
        "Overall",
        "Service",
        "Learning",
        "Change in rank",
        "Change in score (points)",
    ]
    assert all(th["scope"] == "col" for th in table.select("thead th"))
    # Wider than a phone: it scrolls in its own labelled, focusable box, not the page.
    region = table.parent
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert region["aria-label"].startswith("Spring: 2 organisations")
    assert table_rows(soup) == [
        [
            "1",
            "Learner Agency Executive agency or arm's-length body",
            "Gold",
            "100.0%",
            "100.0%",
            "100.0%",
            "Up 1",
            "+37.5",
        ],
        [
            "2",
            "Service First Ministerial or non-ministerial department",
            "Gold",
            "75.0%",
            "100.0%",
            "50.0%",
            "Down 1",
            "0.0",
        ],
    ]
    facts = {
        row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
        for row in soup.select(".govuk-summary-list__row")
    }
    # Dates for people as GOV.UK writes them; ISO stays in the CSV, ODS and JSON.
    assert facts["As of"] == "1 April 2026"
    assert facts["Changes since"] == "Winter (as of 1 February 2026)"
    downloads = [a["href"] for a in soup.select("a[href^='/api/v1/league-tables/']")]
    assert downloads == [
        f"/api/v1/league-tables/{second['id']}.{x}" for x in ("csv", "ods", "json", "pdf")
    ]


async def test_table_sorts_by_a_theme_and_filters_by_kind_without_javascript(
    client: AsyncClient,
) -> None:
    first, _, _ = await published(client)
    soup = page((await client.get(f"/league-tables/{first['id']}")).text)
    assert [r[1].split(" ")[0] for r in table_rows(soup)] == ["Service", "Learner"]
    sort_link = soup.find("a", string="Learning")["href"]
    assert sort_link == f"/league-tables/{first['id']}?sort=LEARN"
    by_learning = page((await client.get(sort_link)).text)
    assert [r[1].split(" ")[0] for r in table_rows(by_learning)] == ["Learner", "Service"]
    assert (
        by_learning.find("th", attrs={"aria-sort": "descending"}).get_text(strip=True) == "Learning"
    )
    agencies = page((await client.get(f"/league-tables/{first['id']}?kind=agency&sort=LEARN")).text)
    assert [r[1].split(" ")[0] for r in table_rows(agencies)] == ["Learner"]
    assert agencies.select_one("select#kind option[selected]")["value"] == "agency"


async def test_revised_table_is_marked_and_links_to_its_revision(client: AsyncClient) -> None:
    _, second, _ = await published(client)
    headers = await publisher_headers()
    fix = await publish(
        client,
        headers,
        framework=None,
        title="Spring (corrected)",
        as_of=None,
        revises=second["id"],
        reason="A name was misspelt",
    )
    old = page((await client.get(f"/league-tables/{second['id']}")).text)
    assert "Revised" in old.h1.get_text()
    warning = old.select_one(".govuk-warning-text").get_text(" ", strip=True)
    assert "This table has been revised" in warning and "A name was misspelt" in warning
    assert old.select_one(".govuk-warning-text a")["href"] == f"/league-tables/{fix['id']}"
    listing = page((await client.get("/league-tables")).text)
    statuses = [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in listing.select("tbody tr")
    ]
    assert [(s[0], s[-1]) for s in statuses] == [
        ("Spring (corrected)", "Revision"),
        ("Spring", "Revised"),
        ("Winter", "Current"),
    ]


async def test_organisation_history_shows_scores_across_publications_with_a_chart(
    client: AsyncClient,
) -> None:
    _, _, learner = await published(client)
    response = await client.get(f"/league-tables/organisations/{learner['slug']}")
    assert response.status_code == 200
    soup = page(response.text)
    assert soup.h1.get_text(strip=True) == "Learner Agency"
    svg = soup.select_one("svg[role=img]")
    assert "Overall percent by publication" in svg.desc.get_text()
    assert len(svg.find_all("circle")) == 2
    rows = [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in soup.select("tbody tr")
    ]
    assert rows == [
        ["Winter", "1 February 2026", "2 of 2", "Silver", "62.5%"],
        ["Spring", "1 April 2026", "1 of 2", "Gold", "100.0%"],
    ]
    assert (await client.get("/league-tables/organisations/nobody")).status_code == 404


async def test_theme_spread_page_gives_median_and_quartiles_with_a_chart(
    client: AsyncClient,
) -> None:
    fw = await small_framework()
    for score in (0, 1, 2, 4):
        await concluded(fw, score)
    table = await publish(client, await publisher_headers())
    soup = page((await client.get(f"/league-tables/{table['id']}/themes")).text)
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in soup.select("tbody tr")
    }
    # 0, 25, 50, 100: quartiles at 18.75 and 62.5, median 37.5 (linear, as QUARTILE.INC)
    assert rows["Service"] == ["4", "0.0%", "18.8%", "37.5%", "62.5%", "100.0%"]
    svg = soup.select_one("svg[role=img]")
    assert len(svg.find_all("rect")) == 2
    assert "median 37.5%" in svg.desc.get_text()


async def test_only_publishers_reach_the_publishing_pages(client: AsyncClient) -> None:
    response = await client.get("/league-tables/new")
    assert response.status_code in (302, 303) and response.headers["location"].startswith(
        "/sign-in"
    )
    await web_sign_in(client, await make_user("assessor"))
    assert (await client.get("/league-tables/new")).status_code == 403


async def test_publisher_previews_then_publishes_from_the_form(client: AsyncClient) -> None:
    fw = await small_framework()
    await concluded(fw, 4, name="Top Office")
    await web_sign_in(client, await make_user("publisher"))
    form = page((await client.get("/league-tables/new")).text)
    assert form.select_one("select#framework option[value='small-standard']")
    token = await csrf_token(client)
    fields = {
        "_csrf_token": token,
        "framework": SLUG,
        "title": "Spring",
        "as_of-day": "1",
        "as_of-month": "4",
        "as_of-year": "2026",
        "action": "preview",
    }
    preview = await client.post("/league-tables/new", data=fields)
    assert preview.status_code == 200
    soup = page(preview.text)
    assert soup.h1.get_text(strip=True) == "Check the league table before publishing"
    assert table_rows(soup) == [
        [
            "1",
            "Top Office Ministerial or non-ministerial department",
            "Gold",
            "100.0%",
            "100.0%",
            "100.0%",
            "New",
            "New",
        ]
    ]
    assert await LeagueTable.count() == 0
    hidden = {i["name"]: i.get("value", "") for i in soup.select("form input[type=hidden]")}
    assert hidden["as_of"] == "2026-04-01"
    done = await client.post("/league-tables/new", data={**hidden, "action": "publish"})
    assert done.status_code == 303
    shown = page((await client.get(done.headers["location"])).text)
    assert "The league table has been published" in shown.get_text()
    assert shown.h1.get_text(strip=True) == "Spring"


async def test_form_with_mistakes_answers_400_naming_each_and_keeps_what_was_typed(
    client: AsyncClient,
) -> None:
    await small_framework()
    await web_sign_in(client, await make_user("publisher"))
    token = await csrf_token(client)
    response = await client.post(
        "/league-tables/new",
        data={
            "_csrf_token": token,
            "framework": "",
            "title": "Kept title",
            "as_of-day": "31",
            "as_of-month": "2",
            "as_of-year": "2026",
            "action": "preview",
        },
    )
    assert response.status_code == 400
    soup = page(response.text)
    summary = [a.get_text(strip=True) for a in soup.select(".govuk-error-summary a")]
    assert summary == [
        "Choose a framework",
        "As-of date must be a real date as YYYY-MM-DD, not '2026-02-31'",
    ]
    assert soup.select_one(".govuk-error-summary a[href='#as_of-day']")
    assert soup.select_one("input#title")["value"] == "Kept title"
    assert soup.select_one("input[name='as_of-day']")["value"] == "31"


async def test_publisher_revises_a_table_from_its_page(client: AsyncClient) -> None:
    fw = await small_framework()
    await concluded(fw, 4)
    table = await publish(client, await publisher_headers())
    await web_sign_in(client, await make_user("publisher"))
    shown = page((await client.get(f"/league-tables/{table['id']}")).text)
    revise = shown.select_one(f"a[href='/league-tables/{table['id']}/revise']")
    assert revise.get_text(strip=True) == "Revise this table"
    form = page((await client.get(f"/league-tables/{table['id']}/revise")).text)
    assert form.select_one("input[name=revises]")["value"] == table["id"]
    token = await csrf_token(client)
    fields = {
        "_csrf_token": token,
        "revises": table["id"],
        "framework": SLUG,
        "title": "Spring",
        "as_of-day": "1",
        "as_of-month": "4",
        "as_of-year": "2026",
        "reason": "Corrected a score",
        "action": "publish",
    }
    done = await client.post("/league-tables/new", data=fields)
    assert done.status_code == 303
    old = (await client.get(f"/api/v1/league-tables/{table['id']}")).json()
    assert old["revised_by"]["reason"] == "Corrected a score"


async def test_organisation_page_lists_its_certificates_for_anyone_to_check(
    client: AsyncClient,
) -> None:
    from app.templating import govuk_date
    from tests.certificates.support import issued_certificate

    org, _, certificate = await issued_certificate()
    issued = govuk_date(certificate["issued_on"])
    response = await client.get(f"/league-tables/organisations/{org['slug']}")
    assert response.status_code == 200
    soup = page(response.text)
    table = soup.find("caption", string=lambda s: s and "certificates" in s).parent
    rows = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        for tr in table.select("tbody tr")
    ]
    assert rows == [
        [
            certificate["award_label"],
            "Small Service Standard",
            issued,
            "Valid",
            f"Check the {certificate['award_label']} certificate issued on {issued}",
        ]
    ]
    assert table.select_one("a")["href"] == f"/verify/{certificate['id']}"
    other = await client.get("/league-tables/organisations/nobody")
    assert other.status_code == 404
