"""Decides from a request's headers, before any of its body is read, whether it may go on: the
route's guards first (someone signed in, where the route needs it), and a body of at most
MAX_BODY_BYTES unless it is a multipart upload to a route that allows more (the upload's own
reading bounds each of its fields and files: evidence/receiving.py)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import ClientException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.types import ASGIApp, Receive, Scope, Send

MAX_BODY_BYTES = 2 * 1024 * 1024  # every form and JSON body; main.py's request_max_body_size
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class RequestGateMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        handler = scope["route_handler"]
        if handler.resolve_guards():
            # Refused here, the body is never read; the route runs them again (they are cheap).
            await handler.authorize_connection(ASGIConnection(scope))
        headers = dict(scope["headers"])
        media_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if media_type != b"multipart/form-data":
            _refuse_announced(headers.get(b"content-length"), MAX_BODY_BYTES)
            receive = _bounded(receive, MAX_BODY_BYTES)
        await self.app(scope, receive, send)


def _refuse_announced(length: bytes | None, limit: int) -> None:
    if length is None:
        return
    try:
        announced = int(length)
    except ValueError:
        raise ClientException("Content-Length is not a number") from None
    if announced > limit:
        raise RequestEntityTooLarge


def _bounded(receive: Receive, limit: int) -> Receive:
    """`receive`, refusing (413) once more than `limit` bytes of body have come."""
    seen = 0

    async def bounded() -> Any:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise RequestEntityTooLarge
        return message

    return bounded
