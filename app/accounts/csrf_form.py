"""Finds a multipart form's CSRF token at the start of its body and hands the body on unchanged,
so that an upload is checked before any of its files is read (every form of ours sends the token
as its first field: `csrf_input` comes first in the templates)."""

from __future__ import annotations

from typing import Any

from litestar.types import Receive, ReceiveMessage, Scope
from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

FORM_FIELD = "_csrf_token"
PEEK_BYTES = 64 * 1024  # far more than the token and the fields a form puts before it


async def token_from_multipart(scope: Scope, receive: Receive) -> tuple[str | None, Receive]:
    """The token, if it comes before any file and within PEEK_BYTES, and a `receive` that gives
    the whole body again from its first byte. Only what was read to find it is held."""
    content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
    _, options = parse_options_header(content_type.decode("latin-1"))
    boundary = options.get("boundary")
    read: list[ReceiveMessage] = []
    if not boundary:
        return None, _replay(read, receive)
    token: str | None = None
    seen = 0
    try:
        parser = PushMultipartParser(boundary, max_segment_count=64)
        field: bytearray | None = None
        while token is None and seen <= PEEK_BYTES:
            message = await receive()
            read.append(message)
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            seen += len(chunk)
            for event in parser.parse(chunk):
                if isinstance(event, MultipartSegment):
                    if event.filename is not None:
                        return None, _replay(read, receive)  # a file came first
                    field = bytearray() if event.name == FORM_FIELD else None
                elif event is None and field is not None:
                    token = field.decode("latin-1")
                    break
                elif event is not None and field is not None:
                    field += event
            if not message.get("more_body", False):
                break
    except MultipartError:
        token = None  # the upload's own reading names what is wrong with the form
    return token, _replay(read, receive)


def _replay(read: list[ReceiveMessage], receive: Receive) -> Receive:
    pending = list(read)

    async def again() -> Any:
        if pending:
            return pending.pop(0)
        return await receive()

    return again
