"""Input no real client sends, found by the schema tests: text with the NUL character is refused
with a message naming where, on SQLite as on PostgreSQL (where storing or comparing it used to
fail with a 500), and nothing is saved; page numbers and offsets too big for SQL answer an empty
page or a 422, not a 500."""

from __future__ import annotations

import httpx

from tests.evidence import samples
from tests.factories import csrf_token
from tests.hostile.world import World, build_world


async def draft_response(client: httpx.AsyncClient, world: World) -> dict:
    draft = world.known["assessment_id"][0]
    answer = await client.get(f"/api/v1/assessments/{draft}", headers=world.headers["dept_lead"])
    return answer.json()["responses"][0]


async def test_answer_with_nul_in_its_narrative_is_refused_and_not_saved(
    client: httpx.AsyncClient,
) -> None:
    world = await build_world(client)
    draft = world.known["assessment_id"][0]
    before = await draft_response(client, world)
    answer = await client.put(
        f"/api/v1/assessments/{draft}/responses/{before['element']}",
        headers=world.headers["dept_lead"],
        json={"revision": before["revision"], "score": 1, "narrative": "We\x00 answer"},
    )
    assert answer.status_code == 400
    assert answer.json()["problems"] == [
        {
            "message": "Text must not contain the NUL character (\\u0000)",
            "key": "narrative",
            "source": "body",
        }
    ]
    assert await draft_response(client, world) == before


async def test_nul_in_a_query_or_path_is_refused(client: httpx.AsyncClient) -> None:
    world = await build_world(client)
    headers = world.headers["lead_assessor"]
    listing = await client.get(
        "/api/v1/assessments", headers=headers, params={"organisation": "ministry\x00"}
    )
    assert listing.status_code == 400
    assert listing.json()["problems"][0]["key"] == "organisation"
    framework = await client.get("/api/v1/frameworks/public%00/2026.1", headers=headers)
    assert framework.status_code == 400
    assert framework.json()["problems"][0]["source"] == "path"


async def test_evidence_title_with_nul_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient,
) -> None:
    world = await build_world(client)
    headers = world.headers["dept_lead"]
    before = (await client.get("/api/v1/evidence", headers=headers)).json()
    answer = await client.post(
        "/api/v1/evidence",
        headers=headers,
        data={"title": "Policy\x00"},
        files={"file": ("policy.pdf", samples.pdf("Another policy"), "application/pdf")},
    )
    assert answer.status_code == 422
    assert answer.json()["problems"] == {
        "title": "The title field must not contain the NUL character"
    }
    assert (await client.get("/api/v1/evidence", headers=headers)).json() == before


HUGE = 2**70  # more than a 64-bit SQL integer holds


async def test_pages_past_the_end_are_empty_however_far(client: httpx.AsyncClient) -> None:
    world = await build_world(client)
    admin = world.headers["admin"]
    users = await client.get("/api/v1/users", headers=admin, params={"page": HUGE})
    assert (users.status_code, users.json()) == (200, [])
    audit = await client.get("/api/v1/audit", headers=admin, params={"page": HUGE})
    assert audit.status_code == 200
    assert audit.json()["records"] == []
    library = await client.get(
        "/api/v1/evidence", headers=world.headers["dept_lead"], params={"page": HUGE}
    )
    assert library.status_code == 200
    assert library.json()["page"] == library.json()["pages"]  # the last page


async def test_an_offset_too_far_is_refused_by_name(client: httpx.AsyncClient) -> None:
    world = await build_world(client)
    answer = await client.get(
        "/api/v1/assessments", headers=world.headers["dept_lead"], params={"offset": HUGE}
    )
    assert answer.status_code == 422
    assert answer.json()["problems"] == {"offset": "Offset must be from 0 to 1,000,000"}


async def test_a_form_field_with_nul_gets_the_bad_request_page(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client, "/sign-in")
    answer = await client.post(
        "/sign-in",
        data={"email": "lead\x00@example.gov.uk", "password": "anything", "_csrf_token": token},
    )
    assert answer.status_code == 400
    assert "NUL character" in answer.text
