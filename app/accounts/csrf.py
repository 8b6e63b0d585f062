"""CSRF protection: Litestar's double-submit token plus an Origin / Sec-Fetch-Site check.

Litestar's token is not bound to the session, so a same-origin check on the request is added.
Requests that carry a bearer token are exempt: browsers never attach one cross-site.
The token is looked for without reading more of the body than it takes: in the header, else in a
URL-encoded form (bounded by the request gate, web/request_gate.py), else at the start of a
multipart form, where every form of ours puts it, before any file (csrf_form.py).
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

from litestar.config.csrf import CSRFConfig
from litestar.connection import Request
from litestar.exceptions import PermissionDeniedException
from litestar.middleware._utils import should_bypass_middleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from app.accounts.csrf_form import FORM_FIELD, token_from_multipart
from app.accounts.sessions import COOKIE

SESSION_COOKIE = f"{COOKIE}="
CSRF_COOKIE = "charter_csrf"
CSRF_HEADER = "x-csrf-token"  # a change sent with the session cookie carries CSRF_COOKIE's value
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
DEFAULT_PORTS = {"http": 80, "https": 443}


class FormRefused(PermissionDeniedException):
    """The form's token is missing or does not match: the page it came from had expired, or it
    was sent from somewhere else. Its own page says so (main.py)."""


class CharterCSRFMiddleware(CSRFMiddleware):
    def __init__(
        self,
        app: ASGIApp,
        config: CSRFConfig,
        allowed_hosts: tuple[str, ...],
        base_url: str = "",
    ) -> None:
        super().__init__(app, config)
        self.allowed_origins = allowed_origins(allowed_hosts, base_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("authorization", "").lower().startswith("bearer "):
            await self.app(scope, receive, send)
            return
        if scope.get("method") in SAFE_METHODS:
            await super().__call__(scope, receive, send)  # sets the cookie a later form sends
            return
        self._check_origin(headers)
        no_session = SESSION_COOKIE not in headers.get("cookie", "")
        if (scope["path"].startswith("/api/") and no_session) or should_bypass_middleware(
            scope=scope,
            scopes=self.scopes,
            exclude_opt_key=self.config.exclude_from_csrf_key,
            exclude_path_pattern=self.exclude,
        ):
            # No session, so no ambient credential to forge with: the API answers 401 itself.
            # (Sign-in by API is exempt: it starts a session rather than using one.)
            await self.app(scope, receive, send)
            return
        request: Request = Request(scope, receive)
        cookie = request.cookies.get(self.config.cookie_name)
        if not cookie:
            raise FormRefused("The form had no token")
        token = headers.get(self.config.header_name)
        media_type = request.content_type[0]
        if not token and media_type == "application/x-www-form-urlencoded":
            token = (await request.form()).get(FORM_FIELD)  # the body is kept for the handler
        elif not token and media_type == "multipart/form-data":
            token, receive = await token_from_multipart(scope, receive)
        if not isinstance(token, str) or not self._csrf_tokens_match(token, cookie):
            raise FormRefused("The form's token did not match")
        ScopeState.from_scope(scope).csrf_token = token
        await self.app(scope, receive, send)

    def _check_origin(self, headers: dict[str, str]) -> None:
        if headers.get("sec-fetch-site") == "cross-site":
            raise FormRefused("Cross-site request refused")
        origin = headers.get("origin") or headers.get("referer")
        if origin and origin != "null":
            parts = urlsplit(origin)
            if origin_of(parts.scheme, parts.hostname, _port(parts)) not in self.allowed_origins:
                raise FormRefused(f"Request from another site ({parts.netloc}) refused")


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:  # a port that is not a number names no origin of ours
        return -1


def origin_of(scheme: str, host: str | None, port: int | None) -> tuple[str, str, int]:
    """(scheme, host, port), the port filled in from the scheme when it was left out."""
    return scheme.lower(), (host or "").lower(), port or DEFAULT_PORTS.get(scheme.lower(), 0)


def allowed_origins(
    allowed_hosts: tuple[str, ...], base_url: str
) -> frozenset[tuple[str, str, int]]:
    """The origins a form may come from: the base URL's own, and each allowed host (with its
    port, when named) over https, and over http too unless the base URL is https."""
    origins = set()
    parts = urlsplit(base_url)
    if base_url:
        origins.add(origin_of(parts.scheme, parts.hostname, _port(parts)))
    schemes = ("https",) if parts.scheme == "https" else ("http", "https")
    for host in allowed_hosts:
        parts = urlsplit(f"//{host}")
        for scheme in schemes:
            origins.add(origin_of(scheme, parts.hostname, _port(parts)))
    return frozenset(origins)
