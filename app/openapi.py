"""What the OpenAPI document says /api/v1 operations answer when they refuse: the JSON error body
that main.py's exception handlers write, under every status an operation of its kind can give."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from http import HTTPStatus

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    Reference,
    RequestBody,
    Schema,
    SecurityScheme,
)
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from app.accounts.csrf import CSRF_COOKIE, CSRF_HEADER
from app.accounts.sessions import COOKIE

API_V1 = "/api/v1/"
CHANGES = {"POST", "PUT", "PATCH", "DELETE"}
FILE = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)

# How a signed-in operation knows who is asking: either will do.
SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    "token": SecurityScheme(
        type="http",
        scheme="bearer",
        description="An API token, made with POST /api/v1/auth/tokens or on the account page",
    ),
    "session": SecurityScheme(
        type="apiKey",
        name=COOKIE,
        security_scheme_in="cookie",
        description=f"A browser's session after signing in; a change also needs the {CSRF_HEADER}"
        f" header, carrying the value of the {CSRF_COOKIE} cookie",
    ),
}
SIGNED_IN: list[dict[str, list[str]]] = [{"token": []}, {"session": []}]


class FieldProblem(msgspec.Struct):
    """One part of a request that could not be read (400): what was wrong, and where."""

    message: str
    key: str | None = None  # e.g. "data", "evidence[0]", "limit"
    source: str | None = None  # "body", "query", "path", ...


class ErrorBody(msgspec.Struct):
    """Every refusal: its status, a sentence saying what was wrong, and for bad input the
    problems: by field or element code when a rule is broken (422), or as a list when the request
    could not be read (400). Some errors add more (a 409 on a stale revision carries the stored
    answer)."""

    status_code: int
    detail: str
    problems: dict[str, str] | list[FieldProblem] | None = None


def error_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """Document these error statuses with the error body (for a handler's `responses=`)."""
    return {
        status: ResponseSpec(
            data_container=ErrorBody,
            description=HTTPStatus(status).phrase,
            generate_examples=False,
        )
        for status in statuses
    }


def downloads(*media_types: str, or_json: bool = False) -> type[Operation]:
    """An `operation_class` for a route whose success answer is a file in one of these media
    types, or (`or_json`) the JSON Litestar documents from the handler."""

    @dataclass
    class DownloadOperation(Operation):
        def __post_init__(self) -> None:
            for status, response in (self.responses or {}).items():
                if status.startswith("2") and not isinstance(response, Reference):
                    content = dict(response.content or {}) if or_json else {}
                    for media_type in media_types:
                        content.setdefault(media_type, OpenAPIMediaType(schema=FILE))
                    response.content = content

    return DownloadOperation


def uploads(*media_types: str) -> type[Operation]:
    """An `operation_class` for a route that reads a file as its body, in any of these media
    types (multipart/form-data: the file in its `file` field)."""

    @dataclass
    class UploadOperation(Operation):
        def __post_init__(self) -> None:
            content = {}
            for media_type in media_types:
                schema = FILE
                if media_type == "multipart/form-data":
                    schema = Schema(
                        type=OpenAPIType.OBJECT, properties={"file": FILE}, required=["file"]
                    )
                content[media_type] = OpenAPIMediaType(schema=schema)
            self.request_body = RequestBody(content=content, required=True)

    return UploadOperation


def statuses_for(
    methods: Collection[str], signed_in: bool, has_path_parameters: bool, has_query: bool
) -> list[int]:
    """400 for a request that cannot be read; signed in: 401 without a user, 403 when the role may
    not, 404 for what does not exist or may not be seen (ids reveal nothing), also when a body
    names it; 422 when input (a body or a query) breaks a rule; changes: 409 in the wrong state
    or on a stale revision, 413 for a body over the limit."""
    statuses = {400}
    if signed_in:
        statuses |= {401, 403, 404}
    if has_path_parameters:
        statuses.add(404)
    if has_query:
        statuses.add(422)
    if CHANGES.intersection(methods):
        statuses |= {409, 413, 422}
    return sorted(statuses)


class DocumentedErrors(ReceiveRoutePlugin):
    """Adds the error answers to every /api/v1 handler as it is registered, and to a handler that
    needs someone signed in, the ways to be; a handler's own `responses=` (e.g. 401 and 429 on
    sign-in) are kept and win."""

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(API_V1):
            return
        for handler, kwargs_model in route.route_handler_map.values():
            signed_in = any(layer.guards for layer in handler.ownership_layers)
            if signed_in and not handler.security:
                handler.security = SIGNED_IN
            statuses = statuses_for(
                handler.http_methods,
                signed_in=signed_in,
                has_path_parameters=bool(route.path_parameters),
                has_query=bool(kwargs_model.expected_query_params),
            )
            handler.responses = {**error_responses(*statuses), **(handler.responses or {})}
