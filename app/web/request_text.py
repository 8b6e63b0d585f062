"""Refuses a request whose text carries the NUL character (U+0000) in its path, query, JSON or
URL-encoded form: PostgreSQL cannot store or compare it (the query fails) and no real text has
it, so it is turned away with a 400 naming where, before any handler sees it. Multipart fields
are checked where the evidence upload reads them (evidence/receiving.py)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException
from litestar.types import ASGIApp, Receive, Scope, Send

from app.web.json_body import refuse_too_deep

NUL = "\x00"
MESSAGE = "Text must not contain the NUL character (\\u0000)"


def nul_at(value: Any, where: str) -> str | None:
    """The key path (e.g. "evidence[0]") of the first text in `value` holding NUL, else None."""
    if isinstance(value, str):
        return where if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            if NUL in str(key):
                return inner
            if found := nul_at(item, inner):
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if found := nul_at(item, f"{where}[{index}]"):
                return found
    return None


def refuse(key: str, source: str) -> ValidationException:
    return ValidationException(MESSAGE, extra=[{"message": MESSAGE, "key": key, "source": source}])


class RefuseNulMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = Request(scope, receive)
        if NUL in scope["path"]:
            raise refuse("path", "path")
        for name, value in request.query_params.multi_items():
            if NUL in name or NUL in value:
                raise refuse(name, "query")
        media_type = request.content_type[0]
        if media_type not in ("application/json", "application/x-www-form-urlencoded"):
            await self.app(scope, receive, send)  # multipart streams on: see the module note
            return
        body = await request.body()
        if media_type == "application/json":
            try:
                data: Any = await request.json()
            except RecursionError:
                raise refuse_too_deep() from None
            except Exception:  # the handler's own parsing answers for malformed JSON
                data = None
            if (key := nul_at(data, "")) is not None:
                raise refuse(key or "data", "body")
        else:
            form = await request.form()
            for name, value in form.multi_items():
                if NUL in name or (isinstance(value, str) and NUL in value):
                    raise refuse(name, "body")
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read here, once more, for whatever reads the request stream downstream."""
    replayed = False

    async def again() -> Any:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return again
