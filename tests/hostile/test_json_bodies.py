"""JSON bodies are read as the contract says: JSON nested a thousand levels deep is a 400 with a
message (it was a 500 from a RecursionError, the signed-out sign-in included), and a string
where a number or a yes/no belongs ("score": "2") is a 422 naming the field, nothing saved
(it used to be read as 2)."""

from __future__ import annotations

import httpx
import pytest

from tests.hostile.world import World, build_world

DEEP = "[" * 5000 + "]" * 5000


async def saved_response(client: httpx.AsyncClient, world: World) -> dict:
    draft = world.known["assessment_id"][0]
    answer = await client.get(f"/api/v1/assessments/{draft}", headers=world.headers["dept_lead"])
    return answer.json()["responses"][0]


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
async def test_deep_json_at_sign_in_is_a_400_with_a_message(
    client: httpx.AsyncClient, content_type: str
) -> None:
    answer = await client.post(
        "/api/v1/auth/login",
        content=f'{{"email": "a@example.org", "password": "x", "more": {DEEP}}}',
        headers={"content-type": content_type},
    )
    assert answer.status_code == 400
    assert answer.json()["detail"] == "The JSON is nested too deeply to read"


async def test_deep_json_on_a_signed_in_route_is_a_400_and_saves_nothing(
    client: httpx.AsyncClient,
) -> None:
    world = await build_world(client)
    before = await saved_response(client, world)
    draft = world.known["assessment_id"][0]
    answer = await client.put(
        f"/api/v1/assessments/{draft}/responses/{before['element']}",
        headers={**world.headers["dept_lead"], "content-type": "application/json"},
        content=f'{{"revision": {before["revision"]}, "score": 1, "narrative": {DEEP}}}',
    )
    assert answer.status_code == 400
    assert answer.json()["detail"] == "The JSON is nested too deeply to read"
    assert await saved_response(client, world) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("score", "2"), ("revision", "0"), ("not_applicable", "true"), ("score", 2.5)],
)
async def test_a_value_of_the_wrong_type_is_refused_naming_the_field(
    client: httpx.AsyncClient, field: str, value: object
) -> None:
    world = await build_world(client)
    before = await saved_response(client, world)
    draft = world.known["assessment_id"][0]
    body = {"revision": before["revision"], "score": 2, "narrative": "We answer", field: value}
    answer = await client.put(
        f"/api/v1/assessments/{draft}/responses/{before['element']}",
        headers=world.headers["dept_lead"],
        json=body,
    )
    assert answer.status_code == 422, answer.text
    assert list(answer.json()["problems"]) == [field]
    assert await saved_response(client, world) == before


async def test_the_right_types_are_still_accepted(client: httpx.AsyncClient) -> None:
    world = await build_world(client)
    before = await saved_response(client, world)
    draft = world.known["assessment_id"][0]
    answer = await client.put(
        f"/api/v1/assessments/{draft}/responses/{before['element']}",
        headers=world.headers["dept_lead"],
        json={"revision": before["revision"], "score": 2, "narrative": "We answer"},
    )
    assert answer.status_code == 200, answer.text


async def test_a_body_that_is_not_an_object_is_refused(client: httpx.AsyncClient) -> None:
    world = await build_world(client)
    answer = await client.post(
        "/api/v1/auth/tokens",
        headers={**world.headers["admin"], "content-type": "application/json"},
        content=b'"a name"',
    )
    assert answer.status_code == 422
    assert answer.json()["problems"] == {"data": "Expected object, got str"}
