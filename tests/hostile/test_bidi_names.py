"""Characters that change the direction text is shown in (U+202E and its family) are refused in
every name, organisation, person or API token, from the API, the pages and the command line, with a message
naming the field, and nothing is saved: such a name would print reversed on certificates, league
tables and CSV files."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from app.accounts.tables import User
from app.organisations.tables import Organisation
from tests.accounts.support import error_summary, post_form
from tests.command import charter
from tests.factories import bearer, make_user, web_sign_in

BIDI = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u200e", "\u200f", "\u061c"]
BIDI += ["\u2066", "\u2067", "\u2068", "\u2069"]
MESSAGE = "Name must not contain characters that change the direction of text (U+{:04X})"


@pytest.mark.parametrize("mark", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
async def test_the_api_refuses_an_organisation_name_with_a_direction_control(
    client: AsyncClient, mark: str
) -> None:
    admin = await bearer(await make_user("admin"))
    body = {"slug": "dwp", "name": f"Department for{mark} Work", "kind": "department"}
    refused = await client.post("/api/v1/organisations", json=body, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["problems"] == {"name": MESSAGE.format(ord(mark))}
    assert await Organisation.count() == 0


async def test_the_api_refuses_a_person_name_and_a_renamed_organisation(
    client: AsyncClient,
) -> None:
    admin = await bearer(await make_user("admin"))
    person = {
        "email": "grace@example.gov.uk",
        "name": "Grace \u202eHopper",
        "role": "assessor",
        "password": "glass orbit lantern pickle",
    }
    refused = await client.post("/api/v1/users", json=person, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["problems"]["name"] == MESSAGE.format(0x202E)
    assert await User.count().where(User.email == "grace@example.gov.uk") == 0
    created = await client.post(
        "/api/v1/organisations",
        json={"slug": "dwp", "name": "Department for Work", "kind": "department"},
        headers=admin,
    )
    assert created.status_code == 201
    renamed = await client.patch(
        "/api/v1/organisations/dwp", json={"name": "Department \u2067for Work"}, headers=admin
    )
    assert renamed.status_code == 422
    assert renamed.json()["problems"] == {"name": MESSAGE.format(0x2067)}
    stored = await Organisation.select(Organisation.name).first()
    assert stored is not None and stored["name"] == "Department for Work"
    token = await client.post("/api/v1/auth/tokens", json={"name": "ci \u202eboT"}, headers=admin)
    assert token.status_code == 422
    assert token.json()["problems"] == {"name": MESSAGE.format(0x202E)}


async def test_the_page_refuses_it_naming_the_field(client: AsyncClient) -> None:
    await web_sign_in(client, await make_user("admin"))
    refused = await post_form(
        client,
        "/admin/organisations",
        {"name": "Trading \u202eStandards", "slug": "trading-standards", "kind": "department"},
    )
    assert refused.status_code == 400
    assert error_summary(refused) == [MESSAGE.format(0x202E)]
    assert await Organisation.count() == 0


def test_the_command_line_refuses_it() -> None:
    done = charter("organisations", "create", "--slug", "dwp", "--name", "Work \u202eand Pensions")
    assert done.returncode != 0
    assert MESSAGE.format(0x202E) in done.stdout + done.stderr
