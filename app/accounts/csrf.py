"""CSRF protection: Litestar's double-submit token plus an Origin / Sec-Fetch-Site check.

Litestar's token is not bound to the session, so a same-site check on the request's origin is added.
Requests that carry a bearer token are exempt: browsers never attach one cross-site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar.config.csrf import CSRFConfig
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from app.accounts.sessions import COOKIE

SESSION_COOKIE = f"{COOKIE}="
CSRF_COOKIE = "charter_csrf"
CSRF_HEADER = "x-csrf-token"  # a change sent with the session cookie carries CSRF_COOKIE's value
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class CharterCSRFMiddleware(CSRFMiddleware):
    def __init__(self, app: ASGIApp, config: CSRFConfig, allowed_hosts: tuple[str, ...]) -> None:
        super().__init__(app, config)
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("authorization", "").lower().startswith("bearer "):
            await self.app(scope, receive, send)
            return
        if scope.get("method") not in SAFE_METHODS:
            self._check_origin(headers)
            if scope["path"].startswith("/api/") and SESSION_COOKIE not in headers.get(
                "cookie", ""
            ):
                # No session, so no ambient credential to forge with: the API answers 401 itself.
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _check_origin(self, headers: dict[str, str]) -> None:
        if headers.get("sec-fetch-site") == "cross-site":
            raise PermissionDeniedException("Cross-site request refused")
        origin = headers.get("origin") or headers.get("referer")
        if origin and origin != "null":
            host = urlsplit(origin).hostname
            if host not in self.allowed_hosts:
                raise PermissionDeniedException(f"Request from another site ({host}) refused")
