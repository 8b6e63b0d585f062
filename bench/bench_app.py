"""The app under test: the real create_app(), plus two routes that exist only in the benchmark.

`/_bench/hello` is the floor for a page: the same middleware (session, authentication, CSRF,
security headers) and the same server, but no database work of its own and no template.
`/_bench/drain` is the floor for an upload: it reads the raw request stream and throws it away.

Run by the benchmark as `uvicorn bench.bench_app:create_bench_app --factory`.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request, get, post

from app.main import create_app

HELLO = "/_bench/hello"
DRAIN = "/_bench/drain"


@get(HELLO, include_in_schema=False)
async def hello() -> dict[str, str]:
    return {"hello": "world"}


@post(DRAIN, include_in_schema=False, request_max_body_size=None, status_code=200)
async def drain(request: Request[Any, Any, Any]) -> dict[str, int]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
    return {"received": received}


def create_bench_app() -> Litestar:
    app = create_app()
    app.register(hello)
    app.register(drain)
    return app
