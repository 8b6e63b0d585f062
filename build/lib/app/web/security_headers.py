"""Security headers on every answer: a strict CSP with no inline script, no framing, nosniff.

A `before_send` hook rather than a middleware: Litestar's middleware only wraps matched routes,
and a 404 for an unknown path, a 405 or a refused Host header must carry the headers too.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=63072000; includeSubDomains"


def security_headers(https: bool = False) -> BeforeMessageSendHookHandler:
    """The hook for `Litestar(before_send=[...])`; HSTS only when served over https."""

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        headers.setdefault("content-security-policy", CSP)
        headers.setdefault("x-content-type-options", "nosniff")
        headers.setdefault("referrer-policy", "strict-origin-when-cross-origin")
        headers.setdefault("x-frame-options", "DENY")
        headers.setdefault("cross-origin-opener-policy", "same-origin")
        if https:
            headers.setdefault("strict-transport-security", HSTS)

    return add_headers
