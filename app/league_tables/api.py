"""JSON API for league tables: publish or revise (publishers), list and read (anyone), and the
open-data exports of one table (.json, .csv, .ods, .pdf)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from app.accounts.auth import current_actor, require_user
from app.errors import NotFound
from app.league_tables import exports, service
from app.league_tables.downloads import ods_of, pdf_of
from app.league_tables.forms import PublishForm
from app.openapi import downloads

# Litestar adds "; charset=utf-8" to text types itself: naming it here too sent it twice.
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "pdf": "application/pdf",
}


class PublishBody(msgspec.Struct):
    """framework, title and as_of are required for a new table; a revision (revises + reason)
    takes any it leaves out from the table it revises."""

    framework: str | None = None
    title: str | None = None
    as_of: str | None = None  # YYYY-MM-DD
    revises: str | None = None  # id of the table this one corrects
    reason: str | None = None  # why, required with revises


def table_url(request: Request[Any, Any, Any], table_id: str) -> str:
    return f"{request.app.state.settings.base_url}/league-tables/{table_id}"


def file_name(table: dict[str, Any], extension: str) -> str:
    return f"league-table-{table['framework']}-{table['as_of']}-{table['id'][:8]}.{extension}"


async def export(
    request: Request[Any, Any, Any], table: dict[str, Any], extension: str
) -> Response[Any]:
    """One table in the format its extension names, as a download (JSON is shown inline)."""
    if extension == "json":
        return Response(table, media_type=MEDIA_TYPES["json"])
    url = table_url(request, table["id"])
    kept = request.app.state.settings.var_dir / "league-tables"
    if extension == "csv":
        content = exports.to_csv(table)
    elif extension == "ods":
        content = await ods_of(table, url, kept)
    else:
        content = await pdf_of(table, url, kept)
    return Response(
        content,
        media_type=MEDIA_TYPES[extension],
        headers={"content-disposition": f'attachment; filename="{file_name(table, extension)}"'},
    )


class LeagueTablesController(Controller):
    path = "/api/v1/league-tables"
    tags = ["league tables"]

    @post("/", guards=[require_user], status_code=201)
    async def publish(
        self, request: Request[Any, Any, Any], data: JSONBody[PublishBody]
    ) -> dict[str, Any]:
        """Publish a table (or, with `revises` and `reason`, a revision of one). Publishers only."""
        form = PublishForm(
            **{k: (v or "").strip() for k, v in msgspec.structs.asdict(data).items()}
        )
        return await service.publish(current_actor(request), form)

    @get("/")
    async def list_tables(self, framework: str | None = None) -> list[dict[str, Any]]:
        """Published tables, newest first; anyone may read them."""
        return await service.list_tables(framework)

    @get("/{name:str}", operation_class=downloads(*MEDIA_TYPES.values(), or_json=True))
    async def show(self, request: Request[Any, Any, Any], name: str) -> Response[Any]:
        """One table: `{id}` or `{id}.json` as JSON, `{id}.csv`, `{id}.ods` or `{id}.pdf`."""
        table_id, _, extension = name.partition(".")
        extension = extension or "json"
        if extension not in MEDIA_TYPES:
            raise NotFound(f"No such export '.{extension}': use .json, .csv, .ods or .pdf")
        return await export(request, await service.get_table(table_id), extension)
