"""/schema: the API's reference as a page of our own, read from the same OpenAPI document that
/schema/openapi.json serves. Litestar's documentation viewers load their scripts from a CDN and
run inline script, which this service's Content-Security-Policy refuses (and a government network
may not reach), so they showed a blank page; this one is plain HTML in the GOV.UK layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.response import Template

METHODS = ("get", "post", "put", "patch", "delete")
TEMPLATE = "web/api_reference.html"


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str  # path, query, header or cookie
    required: bool
    description: str


@dataclass(frozen=True)
class Answer:
    status: str
    meaning: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    signed_in: bool
    parameters: tuple[Parameter, ...]
    body: str  # the media types of its request body, or ""
    answers: tuple[Answer, ...]

    @property
    def anchor(self) -> str:
        return f"{self.method}-{self.path}".lower().replace("/", "-").strip("-")


@dataclass(frozen=True)
class Group:
    name: str
    operations: tuple[Operation, ...]

    @property
    def anchor(self) -> str:
        return "group-" + self.name.lower().replace(" ", "-")


def _meaning(status: str, answer: dict[str, Any]) -> str:
    if answer.get("description"):
        return str(answer["description"])
    try:
        return HTTPStatus(int(status)).phrase
    except ValueError:
        return ""


def _operation(method: str, path: str, spec: dict[str, Any]) -> Operation:
    parameters = tuple(
        Parameter(p["name"], p["in"], bool(p.get("required")), p.get("description", ""))
        for p in spec.get("parameters", [])
    )
    body = ", ".join(spec.get("requestBody", {}).get("content", {}))
    answers = tuple(
        Answer(status, _meaning(status, answer))
        for status, answer in sorted(spec.get("responses", {}).items())
    )
    # Every handler's docstring is its description (a test holds them to it); Litestar's summary
    # is only the handler's name ("ListTokens").
    summary = spec.get("description") or spec.get("summary", "")
    return Operation(
        method.upper(), path, summary, bool(spec.get("security")), parameters, body, answers
    )


def groups_of(document: dict[str, Any]) -> list[Group]:
    """Every operation of the document, grouped by its first tag, in the document's order."""
    found: dict[str, list[Operation]] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                spec = item[method]
                tag = (spec.get("tags") or ["other"])[0]
                found.setdefault(tag, []).append(_operation(method, path, spec))
    return [Group(name.capitalize().replace("-", " "), tuple(ops)) for name, ops in found.items()]


class ApiReferencePage(OpenAPIRenderPlugin):
    """The page at /schema (the OpenAPI router's root)."""

    def __init__(self) -> None:
        super().__init__(path="/")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        info = openapi_schema.get("info", {})
        page = Template(
            TEMPLATE,
            context={
                "title": info.get("title", "API"),
                "version": info.get("version", ""),
                "groups": groups_of(openapi_schema),
                "schemes": openapi_schema.get("components", {}).get("securitySchemes", {}),
            },
        )
        engine = request.app.template_engine
        if engine is None:  # never: the app is built with templating.template_config
            raise RuntimeError("The API reference needs the app's template engine")
        html = engine.get_template(TEMPLATE).render(**page.create_template_context(request))
        return html.encode()
