"""/healthz: answers 200 only when the database answers."""

from litestar import Response, get

from app.db import engine


@get("/healthz", include_in_schema=False)
async def healthz() -> Response[dict[str, str]]:
    try:
        await engine().run_ddl("SELECT 1")
    except Exception as exc:  # any failure to reach the database means unhealthy
        return Response(
            {"status": "unavailable", "detail": f"database unavailable: {type(exc).__name__}"},
            status_code=503,
        )
    return Response({"status": "ok"})
