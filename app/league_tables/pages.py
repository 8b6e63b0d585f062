"""HTML pages: published tables for anyone (list, table, theme spreads, an organisation's history)
and, for publishers, choosing, previewing, publishing and revising a table."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from app.accounts.auth import current_actor, require_user
from app.accounts.policy import can_publish_league_tables
from app.assessments.scoring import display_percent
from app.certificates import service as certificates
from app.errors import Forbidden, Invalid
from app.league_tables import charts, display, service
from app.league_tables.distribution import theme_spreads
from app.league_tables.forms import PublishForm
from app.organisations.kinds import KINDS
from app.templating import govuk_date


def _can_publish(request: Request[Any, Any, Any]) -> bool:
    actor = request.scope.get("user")
    return actor is not None and can_publish_league_tables(actor)


def _table_url(table_id: str, sort: str, kind: str | None, page: int = 1) -> str:
    query: dict[str, Any] = {"sort": sort}
    if kind:
        query["kind"] = kind
    if page > 1:
        query["page"] = page
    return f"/league-tables/{table_id}?{urlencode(query)}"


def _sort_url(table_id: str, kind: str | None) -> Callable[[str], str]:
    def url(key: str) -> str:
        return _table_url(table_id, key, kind)

    return url


def _pagination(table_id: str, sort: str, kind: str | None, page: display.Page) -> dict[str, Any]:
    """Parameters for govukPagination, or {} when everything fits on one page."""
    if page.count == 1:
        return {}
    items = [
        {"ellipsis": True}
        if n is None
        else {"number": n, "href": _table_url(table_id, sort, kind, n), "current": n == page.number}
        for n in display.page_numbers(page.number, page.count)
    ]
    params: dict[str, Any] = {"items": items, "landmarkLabel": "Pages of the table"}
    if page.number > 1:
        params["previous"] = {"href": _table_url(table_id, sort, kind, page.number - 1)}
    if page.number < page.count:
        params["next"] = {"href": _table_url(table_id, sort, kind, page.number + 1)}
    return params


def _sort_label(sort: str, themes: list[dict[str, str]]) -> str:
    if sort == display.BY_NAME:
        return "in name order"
    title = next((t["title"] for t in themes if t["code"] == sort), None)
    return f"highest {title} percent first" if title else "in rank order"


def _form_values(form: PublishForm, fields: Any = None) -> dict[str, str]:
    """What was typed, to show again: the date as its three boxes."""
    fields = fields or {}
    year, _, rest = form.as_of.partition("-")
    month, _, day = rest.partition("-")
    return {
        "framework": form.framework,
        "title": form.title,
        "revises": form.revises,
        "reason": form.reason,
        "day": str(fields.get("as_of-day", day.lstrip("0") if day else "")),
        "month": str(fields.get("as_of-month", month.lstrip("0") if month else "")),
        "year": str(fields.get("as_of-year", year)),
    }


class LeagueTablePages(Controller):
    path = "/league-tables"
    include_in_schema = False

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        return Template(
            "league_tables/index.html",
            context={
                "tables": await service.list_tables(),
                "framework_titles": await service.framework_titles(),
                "can_publish": _can_publish(request),
            },
        )

    @get("/{table_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        table_id: UUID,
        sort: str = display.BY_RANK,
        kind: str | None = None,
        page: int = 1,
        published: bool = False,
    ) -> Template:
        table = await service.get_table(table_id)
        codes = [t["code"] for t in table["themes"]]
        sort = display.sort_key(sort, codes)
        kinds = display.kinds_in(table["rows"])
        kind = kind if kind in dict(kinds) else None
        chosen = display.choose(table["rows"], codes, sort, kind)
        shown = display.page_of(chosen, page)
        return Template(
            "league_tables/show.html",
            context={
                "table": table,
                "shown": shown,
                "rows": display.shown(shown.rows, codes),
                "shown_total": len(chosen),
                "pagination": _pagination(table["id"], sort, kind, shown),
                "sort": sort,
                "sort_label": _sort_label(sort, table["themes"]),
                "sort_url": _sort_url(table["id"], kind),
                "kind": kind,
                "kind_label": dict(kinds).get(kind or "", ""),
                "kinds": kinds,
                "published": published,
                "can_publish": _can_publish(request),
            },
        )

    @get("/{table_id:uuid}/themes")
    async def themes(self, table_id: UUID) -> Template:
        table = await service.get_table(table_id)
        spreads = theme_spreads(table["rows"], [(t["code"], t["title"]) for t in table["themes"]])
        chart = charts.spread_chart(spreads, f"Spread of theme percents, {table['title']}")
        return Template(
            "league_tables/themes.html",
            context={
                "table": table,
                "spreads": spreads,
                "chart": chart,
            },
        )

    @get("/organisations/{slug:str}")
    async def history(self, slug: str) -> Template:
        history = await service.organisation_history(slug)
        held = await certificates.of_organisation(slug)
        name = history["organisation"]["name"]
        series = [
            {
                **s,
                "chart": charts.history_chart(
                    [
                        (govuk_date(p["table"]["as_of"]), Fraction(p["overall_exact"]))
                        for p in s["publications"]
                    ],
                    f"{name}: overall percent in {s['framework_title']} league tables",
                    chart_id=f"history-{i}",
                ),
                "publications": [
                    {**p, "overall": display_percent(Fraction(p["overall_exact"])) + "%"}
                    for p in s["publications"]
                ],
            }
            for i, s in enumerate(history["frameworks"])
        ]
        kind = history["organisation"]["kind"]
        return Template(
            "league_tables/history.html",
            context={
                "history": history,
                "charts": series,
                "certificates": held,
                "kind_label": KINDS.get(kind, kind),
            },
        )

    # --- publishers ---------------------------------------------------------------------------

    async def _form_page(
        self,
        request: Request[Any, Any, Any],
        form: PublishForm,
        fields: Any = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        revising = None
        if form.revises_id is not None:
            old = await service.get_table(form.revises_id)
            revising = {"id": old["id"], "title": old["title"], "as_of": old["as_of"]}
        return Template(
            "league_tables/publish.html",
            context={
                "values": _form_values(form, fields),
                "errors": errors or {},
                "revising": revising,
                "framework_titles": await service.framework_titles(),
                "current_user": current_actor(request),
            },
            status_code=400 if errors else 200,
        )

    @get("/new", guards=[require_user])
    async def new(self, request: Request[Any, Any, Any]) -> Template:
        if not can_publish_league_tables(current_actor(request)):
            raise Forbidden("Only a publisher can publish league tables")
        return await self._form_page(request, PublishForm(as_of=service.today().isoformat()))

    @get("/{table_id:uuid}/revise", guards=[require_user])
    async def revise(self, request: Request[Any, Any, Any], table_id: UUID) -> Template:
        if not can_publish_league_tables(current_actor(request)):
            raise Forbidden("Only a publisher can revise league tables")
        old = await service.get_table(table_id)
        form = PublishForm(
            framework=old["framework"], title=old["title"], as_of=old["as_of"], revises=old["id"]
        )
        return await self._form_page(request, form)

    @post("/new", guards=[require_user])
    async def submit(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        actor = current_actor(request)
        fields = await request.form()
        form = PublishForm.from_fields(fields)
        action = fields.get("action")
        if action == "edit":
            return await self._form_page(request, form)
        try:
            if action == "publish":
                table = await service.publish(actor, form)
                return Redirect(f"/league-tables/{table['id']}?published=true", status_code=303)
            draft = await service.preview(actor, form)
        except Invalid as exc:
            return await self._form_page(request, form, fields, exc.problems)
        codes = [t["code"] for t in draft["themes"]]
        return Template(
            "league_tables/preview.html",
            context={
                "draft": draft,
                "shown": display.arrange(draft["rows"], codes, display.BY_RANK, None),
                "values": _form_values(form),
                "current_user": actor,
            },
        )
