"""The certificates register and each certificate's page, for lead assessors and admins: search
by organisation or number, filter by status and framework, pages, history, revoke; the API too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from httpx import AsyncClient

from app import db
from app.accounts.actor import Actor, SystemActor
from app.accounts.roles import Role
from app.certificates import register, service
from app.certificates.tables import Certificate
from tests.certificates.support import SMALL_FRAMEWORK
from tests.factories import (
    COMPLAINTS_FRAMEWORK,
    bearer,
    csrf_token,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
    web_sign_in,
)

TODAY = dt.date.today()


async def issue(org: dict[str, Any], framework: dict[str, Any], **dates: dt.date) -> str:
    """A concluded assessment's certificate, its dates moved as `dates` say; its id."""
    lead = await make_user("lead_assessor", name=f"Decider for {org['name']}")
    concluded = await make_assessment(
        org, state="concluded", framework_version=framework, lead_assessor=lead
    )
    certificate = await service.issue(SystemActor("tests"), concluded["id"])
    if dates:
        await Certificate.update({getattr(Certificate, k): v for k, v in dates.items()}).where(
            Certificate.id == certificate["id"]
        )
    return str(certificate["id"])


async def world() -> dict[str, str]:
    """Four certificates, one of each status, two frameworks."""
    async with db.transaction():
        small = await make_framework_version(text=SMALL_FRAMEWORK)
        complaints = await make_framework_version(COMPLAINTS_FRAMEWORK)
        ids = {
            "valid": await issue(await make_organisation(name="Northshire Council"), small),
            "expiring": await issue(
                await make_organisation(name="Eastmarsh Agency"),
                complaints,
                expires_on=TODAY + dt.timedelta(days=30),
            ),
            "expired": await issue(
                await make_organisation(name="Westdale Office"),
                small,
                issued_on=dt.date(2020, 1, 15),
                expires_on=dt.date(2022, 1, 15),
            ),
            "revoked": await issue(await make_organisation(name="Southport Board"), complaints),
        }
    lead = await make_user("lead_assessor", name="Rita Revoker")
    await service.revoke(_actor(lead), ids["revoked"], "Issued in error")
    return ids


def _actor(user: dict[str, Any]) -> Actor:
    return Actor(user["id"], user["email"], user["name"], Role(user["role"]), user["organisation"])


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def listed(html: str) -> list[tuple[str, str]]:
    """(organisation link text, status tag) for each row of the register's table."""
    rows = []
    for tr in soup_of(html).select("table tbody tr"):
        rows.append(
            (
                tr.select_one("a").get_text(strip=True),
                tr.select_one(".govuk-tag").get_text(strip=True),
            )
        )
    return rows


async def test_lead_assessor_reaches_the_register_from_the_queue_and_sees_every_status(
    client: AsyncClient,
) -> None:
    await world()
    await web_sign_in(client, await make_user("lead_assessor"))
    queue = soup_of((await client.get("/moderation/queue")).text)
    assert queue.select_one("a[href='/certificates']") is not None
    response = await client.get("/certificates")
    assert response.status_code == 200
    assert sorted(listed(response.text)) == [
        ("Eastmarsh Agency", "Expiring soon"),
        ("Northshire Council", "Valid"),
        ("Southport Board", "Revoked"),
        ("Westdale Office", "Expired"),
    ]
    assert "4 certificates." in response.text


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("valid", ["Eastmarsh Agency", "Northshire Council"]),
        ("expiring", ["Eastmarsh Agency"]),
        ("expired", ["Westdale Office"]),
        ("revoked", ["Southport Board"]),
    ],
)
async def test_register_filters_by_status(
    client: AsyncClient, status: str, expected: list[str]
) -> None:
    await world()
    await web_sign_in(client, await make_user("lead_assessor"))
    response = await client.get("/certificates", params={"status": status})
    assert sorted(name for name, _ in listed(response.text)) == expected


async def test_register_searches_by_organisation_name_or_certificate_number(
    client: AsyncClient,
) -> None:
    ids = await world()
    await web_sign_in(client, await make_user("admin"))
    by_name = await client.get("/certificates", params={"q": "northSHIRE"})
    assert [name for name, _ in listed(by_name.text)] == ["Northshire Council"]
    by_number = await client.get("/certificates", params={"q": ids["expired"]})
    assert [name for name, _ in listed(by_number.text)] == ["Westdale Office"]
    by_start = await client.get("/certificates", params={"q": ids["revoked"][:8].upper()})
    assert "Southport Board" in [name for name, _ in listed(by_start.text)]
    nothing = await client.get("/certificates", params={"q": "Nowhere"})
    assert listed(nothing.text) == [] and "No certificates match." in nothing.text


async def test_register_filters_by_framework_and_keeps_the_filters_in_the_form(
    client: AsyncClient,
) -> None:
    await world()
    await web_sign_in(client, await make_user("lead_assessor"))
    response = await client.get(
        "/certificates", params={"framework": "small-service-standard", "status": "expired"}
    )
    assert [name for name, _ in listed(response.text)] == ["Westdale Office"]
    soup = soup_of(response.text)
    assert soup.select_one("#framework option[selected]")["value"] == "small-service-standard"
    assert soup.select_one("#status option[selected]")["value"] == "expired"


async def test_register_pages_keep_the_filters(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await world()
    monkeypatch.setattr(register, "PER_PAGE", 1)
    await web_sign_in(client, await make_user("lead_assessor"))
    first = await client.get("/certificates", params={"status": "valid"})
    assert len(listed(first.text)) == 1 and "2 certificates: 1 to 1 shown." in first.text
    following = soup_of(first.text).select_one(".govuk-pagination__next a")["href"]
    assert "status=valid" in following and "page=2" in following
    second = await client.get(following)
    assert len(listed(second.text)) == 1 and listed(second.text) != listed(first.text)


async def test_unknown_status_or_page_says_what_was_wrong(client: AsyncClient) -> None:
    await web_sign_in(client, await make_user("lead_assessor"))
    response = await client.get("/certificates", params={"status": "lapsed", "page": "x"})
    assert response.status_code == 400
    summary = soup_of(response.text).select_one(".govuk-error-summary").get_text(" ")
    assert "Status 'lapsed' is not one of: valid, expiring, expired, revoked" in summary
    assert "Page 'x' is not a page number" in summary


@pytest.mark.parametrize("role", ["dept_lead", "assessor", "publisher"])
async def test_other_roles_may_not_read_the_register(client: AsyncClient, role: str) -> None:
    ids = await world()
    await web_sign_in(client, await make_user(role, await make_organisation()))
    assert (await client.get("/certificates")).status_code == 403
    assert (await client.get(f"/certificates/{ids['valid']}")).status_code == 403


async def test_certificate_page_shows_details_history_and_revoke_for_a_lead(
    client: AsyncClient,
) -> None:
    ids = await world()
    await web_sign_in(client, await make_user("lead_assessor"))
    soup = soup_of((await client.get(f"/certificates/{ids['valid']}")).text)
    summary = " ".join(soup.select_one(".govuk-summary-list").get_text(" ").split())
    assert ids["valid"] in summary and "Northshire Council" in summary
    decision = soup.select_one(".govuk-summary-list a")["href"]
    assert decision.startswith("/moderation/") and decision.endswith("/decision")
    history = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in soup.select("table tbody tr")
    ]
    assert [row[1] for row in history] == [
        "Decision: award confirmed",
        f"Issued: {history[1][1].removeprefix('Issued: ')}",
    ]
    assert history[0][2] == "Decider for Northshire Council"
    revoke = soup.select_one(f"a[href='/certificates/{ids['valid']}/revoke']")
    assert revoke is not None and "Revoke this certificate" in revoke.get_text()


async def test_revoked_certificate_page_says_who_revoked_it_and_why(client: AsyncClient) -> None:
    ids = await world()
    await web_sign_in(client, await make_user("admin"))
    response = await client.get(f"/certificates/{ids['revoked']}")
    soup = soup_of(response.text)
    last = [td.get_text(" ", strip=True) for td in soup.select("table tbody tr")[-1].select("td")]
    assert last[1] == "Revoked Issued in error" and last[2] == "Rita Revoker"
    assert (
        "by Rita Revoker. Reason: Issued in error"
        in soup.select_one(".govuk-warning-text").get_text()
    )
    assert soup.select_one("a[href$='/revoke']") is None
    assert ".pdf" not in response.text


async def test_admin_sees_a_certificate_but_is_not_offered_revoke(client: AsyncClient) -> None:
    ids = await world()
    await web_sign_in(client, await make_user("admin"))
    soup = soup_of((await client.get(f"/certificates/{ids['valid']}")).text)
    assert soup.select_one("a[href$='/revoke']") is None
    assert "Only a lead assessor can revoke a certificate." in soup.get_text()


async def test_revoking_from_the_certificate_page_comes_back_to_it_with_a_banner(
    client: AsyncClient,
) -> None:
    ids = await world()
    await web_sign_in(client, await make_user("lead_assessor", name="Lena Lead"))
    done = await client.post(
        f"/certificates/{ids['valid']}/revoke",
        data={"reason": "Merged into another body", "_csrf_token": await csrf_token(client)},
    )
    assert done.status_code == 303
    page = soup_of((await client.get(done.headers["location"])).text)
    assert (
        page.select_one(".govuk-notification-banner")
        .get_text(" ", strip=True)
        .count("Certificate revoked")
    )
    assert page.select_one(".govuk-tag").get_text(strip=True) == "Revoked"
    assert "by Lena Lead. Reason: Merged into another body" in page.get_text()


async def test_register_over_the_api(client: AsyncClient) -> None:
    ids = await world()
    headers = await bearer(await make_user("lead_assessor"))
    response = await client.get(
        "/api/v1/certificates", params={"status": "expiring"}, headers=headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == register.PER_PAGE
    (row,) = body["certificates"]
    assert row["id"] == ids["expiring"] and row["status"] == "expiring"
    assert row["organisation_name"] == "Eastmarsh Agency"
    assert row["expires_on"] == (TODAY + dt.timedelta(days=30)).isoformat()
    by_framework = await client.get(
        "/api/v1/certificates",
        params={"framework": "small-service-standard", "q": "westdale"},
        headers=headers,
    )
    assert [r["id"] for r in by_framework.json()["certificates"]] == [ids["expired"]]
    wrong = await client.get("/api/v1/certificates", params={"status": "old"}, headers=headers)
    assert wrong.status_code == 422 and "status" in wrong.json()["problems"]
    other = await bearer(await make_user("dept_lead", await make_organisation()))
    assert (await client.get("/api/v1/certificates", headers=other)).status_code == 403
