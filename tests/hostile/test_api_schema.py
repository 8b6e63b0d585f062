"""Schemathesis against the published OpenAPI document, signed in as every role and signed out:
no answer is a server error and every answer (status, content type, headers, body) is one the
document describes. Generated requests mostly name ids that exist, so they reach the rules
behind the 404s."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.control import SkipTest
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.hostile.world import ROLES, World, build_world

BASE_URL = "http://testserver.local"

# Checks on the answer alone. Left out on purpose: positive_data_acceptance (a schema-valid request
# is still refused when the role may not do it or the id names nothing, and that refusal is right),
# and the checks that send requests of their own (ignored_auth, use_after_free,
# ensure_resource_availability, unsupported_method, missing_required_header): they go through
# schemathesis' transport, which cannot reach an app that runs on this session's loop (see
# `session_loop`). Signed-out and wrong-role answers are covered here per identity instead.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

# Per operation, per identity, per mode: 7 identities x 47 operations take about 40 s on 2 cores.
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 5}


@pytest.fixture
async def session_loop() -> asyncio.AbstractEventLoop:
    """The test session's event loop, idle while a synchronous test runs. The app runs on it so
    that it shares the session's database pool; schemathesis' from_asgi/call_and_validate would
    run it on a thread and loop of their own, where a PostgreSQL pool made here cannot be used."""
    return asyncio.get_running_loop()


@pytest.fixture
async def world(client: httpx.AsyncClient) -> World:
    return await build_world(client)


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    """The OpenAPI document exactly as the app serves it."""
    answer = await client.get("/schema/openapi.json")
    assert answer.status_code == 200
    return answer.json()


def api_operations(document: dict[str, Any], mode: GenerationMode) -> list[Any]:
    """Every /api/v1 operation, generating only `mode` data: an operation with nothing that can be
    made invalid then says so (SkipTest) at once instead of searching for a negative case."""
    schema = schemathesis.openapi.from_dict(document, config=SchemathesisConfig())
    schema.config.generation.update(modes=[mode])
    operations = [result.ok() for result in schema.get_all_operations()]
    return sorted(
        (op for op in operations if op.path.startswith("/api/v1/")), key=lambda op: op.label
    )


def use_known_values(case: Any, known: dict[str, list[Any]], draw: Callable[[Any], Any]) -> None:
    """Mostly, swap a generated path parameter, query parameter or top-level body field for a
    value that exists (an assessment id, an element code, an organisation slug ...)."""
    containers = [case.path_parameters, case.query]
    if isinstance(case.body, dict):
        containers.append(case.body)
    for container in containers:
        for name in list(container or {}):
            if name in known and draw(st.integers(0, 3)):
                container[name] = draw(st.sampled_from(known[name]))


def send(client: httpx.AsyncClient, case: Any, headers: dict[str, str]) -> Any:
    """Prepare the request exactly as schemathesis would send it, then send it through httpx
    with no cookies of earlier answers: the role's token (or nothing) is the only identity."""
    client.cookies.clear()
    prepared = requests.Request(
        **case.as_transport_kwargs(base_url=BASE_URL, headers=headers)
    ).prepare()
    return client.request(
        prepared.method or "GET",
        prepared.url or BASE_URL,
        headers=dict(prepared.headers),
        content=prepared.body,
    )


def exercise(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    world: World,
    loop: asyncio.AbstractEventLoop,
    client: httpx.AsyncClient,
) -> None:
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,  # the same requests on every run and in CI
        database=None,
        deadline=None,
        # Drawing known values on top of generated cases is intended; generation is slow at times.
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy(generation_mode=mode))
        if mode is GenerationMode.POSITIVE:
            use_known_values(case, world.known, data.draw)
        response = loop.run_until_complete(send(client, case, headers))
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


@pytest.mark.parametrize("role", [None, *ROLES], ids=["signed-out", *ROLES])
def test_every_api_answer_matches_the_openapi_document(
    role: str | None,
    document: dict[str, Any],
    world: World,
    session_loop: asyncio.AbstractEventLoop,
    client: httpx.AsyncClient,
) -> None:
    headers = world.headers[role] if role else {}
    failures: list[str] = []
    for mode in EXAMPLES:
        operations = api_operations(document, mode)
        assert len(operations) > 40, "the document lost its /api/v1 operations"
        for operation in operations:
            try:
                exercise(operation, mode, headers, world, session_loop, client)
            except SkipTest:
                # Negative mode only: no parameter or body of this operation can be invalid
                # (e.g. GET /api/v1/auth/me); its positive run above still covers it.
                assert mode is GenerationMode.NEGATIVE
            # One report naming every failing operation (schemathesis' FailureGroup is a
            # BaseExceptionGroup, not an Exception).
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"### {operation.label} ({mode.value}):\n{exc}")
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


CONTRACT_ROUTES = """
POST /auth/login
POST /auth/tokens
GET /frameworks
GET /frameworks/{}/{}
POST /organisations
GET /organisations
POST /users
POST /evidence
GET /evidence/{}
GET /evidence/{}/file
POST /assessments
GET /assessments
GET /assessments/{}
PUT /assessments/{}/responses/{}
POST /assessments/{}/submit
POST /assessments/{}/assessors
PUT /assessments/{}/moderation/{}
POST /assessments/{}/return
POST /assessments/{}/complete
POST /assessments/{}/decide
GET /assessments/{}/report.pdf
GET /certificates/{}
POST /certificates/{}/revoke
POST /league-tables
GET /league-tables
GET /league-tables/{}
"""


def test_the_document_describes_every_contract_route(document: dict[str, Any]) -> None:
    """contract.md's /api/v1 table (GET /certificates/{id}.pdf and the league table exports are
    the {certificate} and {name} routes), each with its error answers and their body."""
    described = {
        f"{method.upper()} {re.sub(r'{[^}]+}', '{}', path.removeprefix('/api/v1'))}": operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if path.startswith("/api/v1/")
    }
    for route in CONTRACT_ROUTES.split("\n")[1:-1]:
        assert route in described, route
        errors = {s: a for s, a in described[route]["responses"].items() if s >= "400"}
        assert "400" in errors, route
        for status, answer in errors.items():
            schema = answer["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (route, status)
