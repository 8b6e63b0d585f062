"""The home page and the navigation each role sees."""

import pytest
from bs4 import BeautifulSoup
from httpx import AsyncClient

from tests.factories import PASSWORD, make_organisation, make_user


async def test_signed_out_home_explains_charter_and_offers_public_pages(
    client: AsyncClient,
) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert "accreditation" in soup.h1.get_text()
    hrefs = {a["href"] for a in soup.find_all("a")}
    assert {"/sign-in", "/league-tables", "/verify"} <= hrefs


@pytest.mark.parametrize(
    ("role", "landing", "nav_text"),
    [
        ("dept_lead", "/assessments", "Evidence"),
        ("assessor", "/moderation/assigned", "My assessments"),
        ("lead_assessor", "/moderation/queue", "Calibration"),
        ("publisher", "/league-tables", "Publish"),
        ("admin", "/admin/users", "Audit"),
    ],
)
async def test_signed_in_home_goes_to_the_roles_work_with_its_navigation(
    client: AsyncClient, role: str, landing: str, nav_text: str
) -> None:
    org = await make_organisation()
    user = await make_user(role, org if role.startswith("dept") else None)
    await client.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD})
    home = await client.get("/")
    assert home.status_code in (302, 303) and home.headers["location"] == landing
    page = await client.get(landing)
    assert page.status_code == 200, page.text[:500]
    nav = BeautifulSoup(page.text, "html.parser").find(class_="govuk-service-navigation")
    assert nav_text in nav.get_text()
