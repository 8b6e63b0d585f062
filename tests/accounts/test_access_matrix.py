"""The role x route access matrix: the specification of who may call every /api/v1 route.

One line per route (a route may have several lines, one per state of its target or per file
type), one column per caller, each cell the status the call must answer. Every route the app
serves must be listed, and every line must name a route the app serves.

Columns: out = signed out; adm = admin; pub = publisher; lead = lead assessor; asr = the assessor
assigned to the target assessment (assignment starts at in_review); asr_x = an assessor assigned
to nothing; dlead / dcon = department lead / contributor of the target's organisation;
other = a department lead of another organisation.

State: the target assessment's state ("-": no assessment; "in_review*": in review with every
element moderated). Each call runs against an object in a state where it can succeed for the
right role, so a refusal shows access, not state: 401 signed out, 404 exists but may not be seen,
403 may see but the role may not do it. Placeholders name the world's objects
(tests/accounts/matrix_setup.py): {id} is the target of the path's kind (the assessment, its
evidence item, its certificate, a league table of it, a user whom admins manage, that user's API
token); {own_token} is the caller's own token; {own_session} one of the caller's browser sessions
and {subject_session} one of the managed user's; {inactive} a deactivated user; {failed_notification} an email that failed.

Signed-out calls carry no cookie and no token at all, as a script would: the API answers 401
(with no session there is nothing for a forged request to ride on; tests/accounts/test_csrf.py
covers the CSRF refusals of signed-in cookie requests).
A GET line shares one world among its callers; any other line builds a fresh world per caller.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from app.settings import Settings
from tests.accounts.matrix_setup import ROLES, World, build_world
from tests.evidence import samples
from tests.factories import PASSWORD, csrf_token

ROUTES = """
#      path                                state      | out adm pub lead asr asr_x dlead dcon other
POST   /auth/login                         -          | 200 200 200 200  200 200   200   200  200
POST   /auth/logout                        -          | 401 200 200 200  200 200   200   200  200
GET    /auth/me                            -          | 401 200 200 200  200 200   200   200  200
POST   /auth/sessions/end                  -          | 401 200 200 200  200 200   200   200  200
GET    /auth/sessions                      -          | 401 200 200 200  200 200   200   200  200
DELETE /auth/sessions/{own_session}        -          | 401 200 200 200  200 200   200   200  200
DELETE /auth/sessions/{subject_session}    -          | 401 404 404 404  404 404   404   404  404
POST   /auth/tokens                        -          | 401 201 201 201  201 201   201   201  201
POST   /auth/two-factor                    -          | 401 201 201 201  201 201   201   201  201
POST   /auth/two-factor/confirm            -          | 401 409 409 409  409 409   409   409  409
GET    /auth/tokens                        -          | 401 200 200 200  200 200   200   200  200
DELETE /auth/tokens/{own_token}            -          | 401 200 200 200  200 200   200   200  200
DELETE /auth/tokens/{id}                   -          | 401 200 404 404  404 404   404   404  404

POST   /users                              -          | 401 201 403 403  403 403   403   403  403
GET    /users                              -          | 401 200 403 403  403 403   403   403  403
GET    /users?organisation={org}           -          | 401 200 403 403  403 403   403   403  403
GET    /users/{id}                         -          | 401 200 403 403  403 403   403   403  403
PATCH  /users/{id}                          -          | 401 200 403 403  403 403   403   403  403
GET    /users/{id}/tokens                  -          | 401 200 404 404  404 404   404   404  404
PUT    /users/{id}/role                    -          | 401 200 403 403  403 403   403   403  403
POST   /users/{id}/deactivate              -          | 401 200 403 403  403 403   403   403  403
POST   /users/{id}/password                -          | 401 200 403 403  403 403   403   403  403
GET    /users/{id}/sessions                -          | 401 200 403 403  403 403   403   403  403
POST   /users/{id}/sessions/end            -          | 401 200 403 403  403 403   403   403  403
DELETE /users/{id}/two-factor              -          | 401 200 403 403  403 403   403   403  403
POST   /users/{inactive}/reactivate        -          | 401 200 403 403  403 403   403   403  403

POST   /organisations                      -          | 401 201 403 403  403 403   403   403  403
GET    /organisations                      -          | 401 200 200 200  200 200   200   200  200
GET    /organisations?q=matrix             -          | 401 200 200 200  200 200   200   200  200
GET    /organisations/{org}                -          | 401 200 200 200  200 200   200   200  200
PATCH  /organisations/{org}                -          | 401 200 403 403  403 403   403   403  403
GET    /audit                              -          | 401 200 403 403  403 403   403   403  403
GET    /notifications                      -          | 401 200 403 403  403 403   403   403  403
POST   /notifications/{failed_notification}/retry -   | 401 200 403 403  403 403   403   403  403

POST   /organisations/{org}/actions        -          | 401 403 404 403  404 404   201   201  404
GET    /organisations/{org}/actions        in_review  | 401 200 404 200  200 404   200   200  404
GET    /actions/{id}                       in_review  | 401 200 404 200  200 404   200   200  404
PATCH  /actions/{id}                       in_review  | 401 403 404 403  403 404   200   200  404

GET    /frameworks                         -          | 401 200 200 200  200 200   200   200  200
# No file in the body: an administrator gets past access to the check of the file.
POST   /frameworks                         -          | 401 422 403 403  403 403   403   403  403
GET    /frameworks/schema.json             -          | 200 200 200 200  200 200   200   200  200
GET    /frameworks/{slug}/{version}        -          | 401 200 200 200  200 200   200   200  200

POST   /assessments                        -          | 401 403 403 403  403 403   201   403  403
GET    /assessments                        -          | 401 200 200 200  200 200   200   200  200
GET    /assessments/{id}                   draft      | 401 200 404 404  404 404   200   200  404
GET    /assessments/{id}                   submitted  | 401 200 404 200  404 404   200   200  404
GET    /assessments/{id}                   in_review  | 401 200 404 200  200 404   200   200  404
GET    /assessments/{id}                   concluded  | 401 200 200 200  200 404   200   200  404
PUT    /assessments/{id}/responses/{code}  draft      | 401 403 404 404  404 404   200   200  404
PUT    /assessments/{id}/responses/{code}  returned   | 401 403 404 403  403 404   200   200  404
POST   /assessments/{id}/submit            draft      | 401 403 404 404  404 404   200   403  404
POST   /assessments/{id}/submit            returned   | 401 403 404 403  403 404   200   403  404
POST   /assessments/{id}/withdraw          draft      | 401 403 404 404  404 404   200   403  404
POST   /assessments/{id}/withdraw          returned   | 401 403 404 403  403 404   200   403  404
POST   /assessments/{id}/appeal            concluded  | 401 403 403 403  403 404   201   403  404
GET    /appeals/{id}                       concluded  | 401 200 404 200  404 404   200   200  404
POST   /appeals/{id}/decide                concluded  | 401 403 403 403  403 404   403   403  404
GET    /assessments/{id}/report.pdf        concluded  | 401 200 200 200  200 404   200   200  404
GET    /assessments/{id}/workbook.xlsx     draft      | 401 200 404 404  404 404   200   200  404
GET    /assessments/{id}/workbook.xlsx     in_review  | 401 200 404 200  200 404   200   200  404
# No workbook in the body: the department's people get past access to the check of the file.
POST   /assessments/{id}/workbook.xlsx     draft      | 401 403 404 404  404 404   422   422  404
POST   /assessments/{id}/workbook.xlsx     returned   | 401 403 404 403  403 404   422   422  404
GET    /assessments/{id}/moderation.xlsx   in_review  | 401 200 404 200  200 404   403   403  404
POST   /assessments/{id}/moderation.xlsx   in_review  | 401 403 404 403  422 404   403   403  404

POST   /assessments/{id}/assessors         submitted  | 401 403 404 200  404 404   403   403  404
POST   /assessments/{id}/assessors         in_review  | 401 403 404 200  403 404   403   403  404
POST   /assessments/{id}/declaration       in_review  | 401 403 404 403  200 404   403   403  404
GET    /assessments/{id}/moderation        in_review  | 401 200 404 200  200 404   403   403  404
PUT    /assessments/{id}/moderation/{code} in_review  | 401 403 404 403  200 404   403   403  404
POST   /assessments/{id}/return            in_review  | 401 403 404 403  200 404   403   403  404
POST   /assessments/{id}/complete          in_review* | 401 403 404 403  200 404   403   403  404
POST   /assessments/{id}/decide            moderated  | 401 403 404 200  403 404   403   403  404
GET    /assessments/{id}/calibration       moderated  | 401 200 404 200  403 404   403   403  404
GET    /moderation/queue                   -          | 401 200 403 200  403 403   403   403  403
GET    /moderation/assigned                -          | 401 200 200 200  200 200   200   200  200
GET    /calibration/{slug}                 -          | 401 200 403 200  403 403   403   403  403

POST   /evidence                           -          | 401 403 403 403  403 403   201   201  403
GET    /evidence?organisation={org}        -          | 401 200 403 403  403 403   200   200  403
GET    /evidence/{id}                      in_review  | 401 200 404 200  200 404   200   200  404
GET    /evidence/{id}/file                 in_review  | 401 200 404 200  200 404   200   200  404
DELETE /evidence/{id}                      draft      | 401 403 404 404  404 404   204   204  404

GET    /certificates?status=valid          concluded  | 401 200 403 200  403 403   403   403  403
GET    /certificates/{id}                  concluded  | 200 200 200 200  200 200   200   200  200
GET    /certificates/{id}.pdf              concluded  | 200 200 200 200  200 200   200   200  200
POST   /certificates/{id}/revoke           concluded  | 401 403 403 200  403 403   403   403  403
# Anyone may check a certificate PDF, signed out too; with no file in the body each is told so.
POST   /certificates/verify                -          | 422 422 422 422  422 422   422   422  422

POST   /league-tables                      concluded  | 401 403 201 403  403 403   403   403  403
GET    /league-tables                      -          | 200 200 200 200  200 200   200   200  200
GET    /league-tables/{id}                 concluded  | 200 200 200 200  200 200   200   200  200
GET    /league-tables/{id}.csv             concluded  | 200 200 200 200  200 200   200   200  200
GET    /league-tables/{id}.ods             concluded  | 200 200 200 200  200 200   200   200  200
GET    /league-tables/{id}.pdf             concluded  | 200 200 200 200  200 200   200   200  200
"""

# What each state-changing route is sent: a body that would succeed for the right role.
BODIES: dict[str, dict[str, Any]] = {
    "POST /auth/login": {"email": "{subject_email}", "password": PASSWORD},
    "POST /auth/tokens": {"name": "matrix"},
    # No set-up was begun, so a code cannot confirm one (409); test_two_factor.py confirms them.
    "POST /auth/two-factor/confirm": {"code": "123456"},
    "POST /users": {
        "email": "new-person-{n}@example.gov.uk",
        "name": "New Person",
        "role": "assessor",
        "password": "plum tractor umbrella seventeen lanterns",
    },
    "PATCH /users/{id}": {"name": "Renamed Person"},
    "PUT /users/{id}/role": {"role": "assessor"},
    "POST /users/{id}/password": {"password": "violet harbour seventeen kettles"},
    "POST /organisations": {"slug": "new-organisation-{n}", "name": "New Organisation {n}"},
    "PATCH /organisations/{org}": {"name": "Matrix Department {n}", "kind": "department"},
    "POST /assessments": {"organisation": "{org}", "framework": "{slug}"},
    "PUT /assessments/{id}/responses/{code}": {
        "revision": 1,
        "score": 1,
        "narrative": "Some teams review complaints.",
    },
    "POST /assessments/{id}/assessors": {
        "user": "{assessor_email}",
        "declaration": "I have no conflict of interest.",
    },
    "POST /assessments/{id}/declaration": {"declaration": "I have no conflict."},
    "PUT /assessments/{id}/moderation/{code}": {"revision": 0, "score": 2},
    "POST /assessments/{id}/return": {"reason": "Please link the board minutes."},
    "POST /organisations/{org}/actions": {"title": "Matrix action", "due_on": "{today}"},
    "POST /assessments/{id}/appeal": {"grounds": "We disagree with LEAD.1.1"},
    "POST /appeals/{id}/decide": {"outcome": "dismissed", "note": "The decision stands"},
    "PATCH /actions/{id}": {"status": "in_progress", "progress_note": "Started"},
    "POST /assessments/{id}/withdraw": {"reason": "Started on the wrong standard."},
    "POST /assessments/{id}/decide": {"outcome": "confirm", "note": ""},
    "POST /certificates/{id}/revoke": {"reason": "Issued in error"},
    "POST /league-tables": {"framework": "{slug}", "title": "Matrix {n}", "as_of": "{today}"},
}
UPLOAD = "POST /evidence"
# {id} in a path names the world's object of the kind its first segment names.
TARGETS = {
    "assessments": "assessment",
    "evidence": "evidence",
    "certificates": "certificate",
    "league-tables": "table",
    "users": "user",
    "auth": "token",
    "actions": "action",
    "appeals": "appeal",
}
API = "/api/v1"
IGNORED_METHODS = {"OPTIONS", "HEAD"}
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}  # the keys of an OpenAPI path item


@dataclass(frozen=True)
class Line:
    method: str
    path: str  # under /api/v1, with {placeholders} and perhaps a query
    state: str | None
    expected: dict[str, int]

    @property
    def route(self) -> str:
        return f"{self.method} {self.path.partition('?')[0]}"

    @property
    def target(self) -> str:
        """What {id} stands for in this line's path."""
        return TARGETS.get(self.path.split("/")[1], "")

    @property
    def needs(self) -> frozenset[str]:
        texts = [self.path, *_strings(BODIES.get(self.route, {}))]
        names = {name for text in texts for _, name, _, _ in string.Formatter().parse(text)}
        return frozenset(self.target if name == "id" else name for name in names if name)

    def __str__(self) -> str:
        return f"{self.method} {self.path}" + (f" [{self.state}]" if self.state else "")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def parse(table: str) -> list[Line]:
    lines = []
    for text in table.strip().splitlines():
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        route, _, cells = text.partition("|")
        method, path, state = route.split()
        statuses = [int(cell) for cell in cells.split()]
        assert len(statuses) == len(ROLES), f"{text!r}: {len(ROLES)} columns expected"
        lines.append(
            Line(
                method,
                path,
                None if state == "-" else state,
                dict(zip(ROLES, statuses, strict=True)),
            )
        )
    return lines


MATRIX = parse(ROUTES)


# --- every route is in the matrix, and the matrix names only real routes ---------------------


def _shape(path: str) -> str:
    """A path with its parameters blanked: /api/v1/assessments/{assessment_id:uuid} -> .../{}."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def _matches(route_shape: str, line_shape: str) -> bool:
    pattern = "".join(
        "[^/]+" if part == "{}" else re.escape(part) for part in re.split(r"(\{\})", route_shape)
    )
    return re.fullmatch(pattern, line_shape) is not None


def served_routes(app: Litestar) -> set[tuple[str, str]]:
    """(method, path shape) of every /api/v1 route the app serves."""
    return {
        (method, _shape(route.path))
        for route in app.routes
        if isinstance(route, HTTPRoute) and route.path.startswith(f"{API}/")
        for handler in route.route_handlers
        for method in handler.http_methods
        if method not in IGNORED_METHODS
    }


def route_of(line: Line, routes: set[tuple[str, str]]) -> tuple[str, str] | None:
    """The served route a matrix line calls, as the router picks it (a literal path first)."""
    method, path = line.route.split(" ", 1)
    shape = _shape(API + path)
    if (method, shape) in routes:
        return method, shape
    found = [(m, s) for m, s in routes if m == method and _matches(s, shape)]
    return found[0] if len(found) == 1 else None


def test_every_api_route_is_in_the_matrix_and_every_line_is_a_route(app: Litestar) -> None:
    routes = served_routes(app)
    assert len(routes) > 40, routes
    called = [(line, route_of(line, routes)) for line in MATRIX]
    unknown = sorted(str(line) for line, route in called if route is None)
    missing = sorted(f"{m} {s}" for m, s in routes - {route for _, route in called})
    assert not unknown, f"matrix lines that call no route the app serves: {unknown}"
    assert not missing, f"routes the matrix does not specify (add a line for each): {missing}"
    assert set(BODIES) <= {line.route for line in MATRIX}, "a body for a route the matrix lacks"


async def test_openapi_document_describes_every_api_route(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    documented = {
        (method.upper(), _shape(path))
        for path, item in response.json()["paths"].items()
        if path.startswith(f"{API}/")
        for method in item
        if method in HTTP_METHODS
    }
    assert documented == served_routes(app)


async def test_openapi_document_names_the_sign_in_schemes_where_the_matrix_answers_401(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    """A script reading the document learns which operations need a token (or a session), and
    they are exactly those that the matrix says answer 401 to someone signed out."""
    document = (await client.get("/schema/openapi.json")).json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["token"]["description"],
    }
    assert (schemes["session"]["in"], schemes["session"]["name"]) == ("cookie", "charter_session")
    routes = served_routes(app)
    signed_out = {route_of(line, routes): line.expected["out"] for line in MATRIX}
    checked = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            key = (method.upper(), _shape(path))
            if method not in HTTP_METHODS or key not in signed_out:
                continue
            named = operation.get("security")
            if signed_out[key] == 401:
                assert named == [{"token": []}, {"session": []}], key
            else:
                assert named is None, key
            checked += 1
    assert checked == len(routes)


# --- the matrix itself -----------------------------------------------------------------------


def _fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format_map(values)
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


async def _call(
    client: httpx.AsyncClient, line: Line, world: World, role: str, csrf: str
) -> httpx.Response:
    values = world.values(role)
    values["id"] = values.get(line.target, "")
    headers = dict(world.headers.get(role, {}))
    client.cookies.clear()  # a sign-in must not carry over to the next caller
    path = API + line.path.format_map(values)
    if line.route == UPLOAD:
        return await client.post(
            path,
            headers=headers,
            data={"organisation": values["org"], "title": "Complaints policy"},
            files={"file": ("policy.pdf", samples.pdf("Complaints policy"), "application/pdf")},
        )
    body = BODIES.get(line.route)
    json = _fill(body, values) if body is not None else None
    return await client.request(line.method, path, headers=headers, json=json)


def _row(statuses: dict[str, Any]) -> str:
    return " ".join(f"{statuses[role]!s:>{max(len(role), 3)}}" for role in ROLES)


@pytest.mark.parametrize("line", MATRIX, ids=str)
async def test_access(client: httpx.AsyncClient, settings: Settings, line: Line) -> None:
    csrf = await csrf_token(client)
    shared = None
    if line.method == "GET":
        signed_in = tuple(role for role in ROLES if role != "out")
        shared = await build_world(line.state, line.needs, signed_in, settings)
    got: dict[str, int] = {}
    details: list[str] = []
    for role in ROLES:
        world = shared or await build_world(
            line.state, line.needs, () if role == "out" else (role,), settings
        )
        response = await _call(client, line, world, role, csrf)
        got[role] = response.status_code
        if response.status_code != line.expected[role]:
            details.append(f"  {role}: {response.status_code} {response.text[:300]}")
    assert got == line.expected, (
        f"{line}\n  {' '.join(f'{r:>{max(len(r), 3)}}' for r in ROLES)}\n"
        f"  {_row(line.expected)}  expected\n  {_row(got)}  got\n" + "\n".join(details)
    )
