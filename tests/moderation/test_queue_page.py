"""The lead assessor's queue as a page: a confirmation after assigning, no "Decide" for a lead who
may not decide (and why), and the decided assessments with their decision and certificate."""

from __future__ import annotations

from bs4 import BeautifulSoup
from httpx import AsyncClient

from app.accounts.actor import SystemActor
from app.certificates import service as certificates
from tests.factories import csrf_token, make_organisation, make_user, web_sign_in
from tests.moderation.support import build_assessment, make_team, small_framework, submitted


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def section_rows(soup: BeautifulSoup, heading: str) -> list[list[str]]:
    """The cells of the table that follows the h2 `heading`."""
    h2 = next(h for h in soup.select("h2") if h.get_text(strip=True) == heading)
    table = h2.find_next("table")
    return [
        [td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")
    ]


async def test_assigning_shows_a_confirmation_on_the_queue(client: AsyncClient) -> None:
    team = await make_team()
    assessment = await submitted(team)
    await web_sign_in(client, team.lead)
    done = await client.post(
        f"/moderation/{assessment['id']}/assign",
        data={"user": str(team.assessor["id"]), "_csrf_token": await csrf_token(client)},
    )
    assert done.status_code == 303
    banner = soup_of((await client.get(done.headers["location"])).text).select_one(
        ".govuk-notification-banner--success"
    )
    assert banner is not None
    assert (
        f"{team.assessor['name']} is assigned to assess Department for Testing."
        in banner.get_text(" ", strip=True)
    )


async def test_queue_banner_never_repeats_what_the_address_says(client: AsyncClient) -> None:
    team = await make_team()
    await web_sign_in(client, team.lead)
    for junk in ("<script>", "00000000-0000-0000-0000-000000000000"):
        page = soup_of((await client.get("/moderation/queue", params={"assigned": junk})).text)
        assert page.select_one(".govuk-notification-banner") is None


async def test_lead_who_moderated_is_not_offered_decide_and_is_told_why(
    client: AsyncClient,
) -> None:
    team = await make_team()
    fv = await small_framework()
    mine = await build_assessment(
        team.organisation, state="moderated", framework_version=fv, assessor=team.lead
    )
    other = await build_assessment(
        await make_organisation(name="Other Department"), state="moderated", framework_version=fv
    )
    await web_sign_in(client, team.lead)
    soup = soup_of((await client.get("/moderation/queue")).text)
    rows = {r[0]: r[-1] for r in section_rows(soup, "Waiting for a certification decision")}
    assert rows["Department for Testing"].startswith("View")
    assert "You cannot decide: you moderated it" in rows["Department for Testing"]
    assert rows["Other Department"] == "Decide Other Department"
    assert (
        soup.select_one(f"a[href='/moderation/{other['id']}/decision']")
        .get_text(strip=True)
        .startswith("Decide")
    )
    assert (
        soup.select_one(f"a[href='/moderation/{mine['id']}/decision']")
        .get_text(strip=True)
        .startswith("View")
    )


async def test_lead_employed_by_a_parent_is_not_offered_decide(client: AsyncClient) -> None:
    team = await make_team()
    parent = await make_organisation(name="Parent Ministry")
    agency = await make_organisation(name="Child Agency", parent=parent)
    await build_assessment(agency, state="moderated", framework_version=await small_framework())
    await web_sign_in(client, await make_user("lead_assessor", parent))
    soup = soup_of((await client.get("/moderation/queue")).text)
    (row,) = section_rows(soup, "Waiting for a certification decision")
    assert "you work for it, or for an organisation above or below it" in row[-1]
    assert "Decide" not in row[-1]
    del team


async def test_decided_assessments_link_their_decision_and_certificate(client: AsyncClient) -> None:
    team = await make_team()
    fv = await small_framework()
    concluded = await build_assessment(team.organisation, state="concluded", framework_version=fv)
    certificate = await certificates.issue(SystemActor("tests"), concluded["id"])
    not_awarded = await build_assessment(
        await make_organisation(name="Low Scores Office"),
        state="concluded",
        framework_version=fv,
        default_score=0,
    )
    await web_sign_in(client, team.lead)
    soup = soup_of((await client.get("/moderation/queue")).text)
    rows = {r[0]: r for r in section_rows(soup, "Decided")}
    assert rows["Department for Testing"][3] == concluded["award_label"]
    assert rows["Low Scores Office"][3:] == ["No award", "No certificate"]
    assert soup.select_one(f"a[href='/moderation/{concluded['id']}/decision']") is not None
    assert soup.select_one(f"a[href='/moderation/{not_awarded['id']}/decision']") is not None
    assert soup.select_one(f"a[href='/certificates/{certificate['id']}']") is not None
