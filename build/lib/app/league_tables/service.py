"""League tables: preview, publish and revise immutable snapshots; read them back in context."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import msgspec
from piccolo.query import WhereRaw

from app import db
from app.accounts.policy import can_publish_league_tables
from app.assessments.tables import Assessment
from app.audit.service import record
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.frameworks import service as frameworks
from app.frameworks.model import Framework
from app.frameworks.tables import FrameworkVersion
from app.league_tables import ranking
from app.league_tables.forms import PublishForm, parse_id
from app.league_tables.tables import LeagueTable
from app.organisations.tables import Organisation

MAX_LISTED = 500
MAX_HISTORY = 100
PUBLISH_LOCK = 7243007  # PostgreSQL advisory lock: one publication at a time


@dataclass(frozen=True)
class Version:
    id: UUID
    version: str
    loaded_at: dt.datetime
    model: Framework


@dataclass(frozen=True)
class Draft:
    """A table as it would be published now."""

    framework: str
    framework_title: str
    title: str
    as_of: dt.date
    revises: dict[str, Any] | None
    reason: str | None
    compared_with: dict[str, Any] | None
    themes: list[dict[str, str]]
    rows: list[dict[str, Any]]


def today() -> dt.date:
    return dt.datetime.now(ranking.LONDON).date()


def _require_publisher(actor: Any) -> None:
    if not can_publish_league_tables(actor):
        raise Forbidden("Only a publisher can publish or revise league tables")


def _decode(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _brief(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": str(row["id"]), "title": row["title"], "as_of": row["as_of"].isoformat()}


# --- reading the inputs ---------------------------------------------------------------------


async def _versions(slug: str) -> list[Version]:
    """Every loaded version of a framework, oldest first (few rows; models are cached)."""
    rows = (
        await FrameworkVersion.select(
            FrameworkVersion.id,
            FrameworkVersion.version,
            FrameworkVersion.loaded_at,
            FrameworkVersion.content,
        )
        .where(FrameworkVersion.slug == slug)
        .order_by(FrameworkVersion.loaded_at)
    )
    return [Version(r["id"], r["version"], r["loaded_at"], frameworks.model_of(r)) for r in rows]


# Each organisation's latest result that is current on the as-of date, in one query joined to the
# organisation, the framework version and any revocation of its certificate. The window differs
# by framework version: each has its own certificate validity.
CANDIDATES_SQL = """
SELECT latest.concluded_at, latest.moderated_percent, latest.moderated_result,
       latest.award_code, latest.award_label, fv.version,
       o.slug AS org_slug, o.name AS org_name, o.kind AS org_kind,
       CASE WHEN c.revoked_at IS NULL THEN 0 ELSE 1 END AS award_revoked
FROM (
    SELECT a.id, a.organisation, a.framework_version, a.concluded_at, a.moderated_percent,
           a.moderated_result, a.award_code, a.award_label,
           ROW_NUMBER() OVER (PARTITION BY a.organisation
                              ORDER BY a.concluded_at DESC, a.id DESC) AS latest_first
    FROM assessment a
    WHERE a.status = 'concluded' AND a.moderated_percent IS NOT NULL AND a.concluded_at < {}
      AND (%s)
) latest
JOIN organisation o ON o.id = latest.organisation
JOIN framework_version fv ON fv.id = latest.framework_version
LEFT JOIN certificate c ON c.assessment = latest.id AND c.revoked_at < {}
WHERE latest.latest_first = 1
"""
VERSION_WINDOW = "(a.framework_version = {} AND a.concluded_at >= {})"


async def _candidates(as_of: dt.date, versions: list[Version]) -> list[ranking.Candidate]:
    """Only moderated scores are read. An award whose certificate was revoked by `as_of` no
    longer stands; the result still does. ranking.build_rows checks the same rules again."""
    end = ranking.end_of(as_of)
    windows: list[Any] = []
    for v in versions:
        validity = v.model.certificate.validity_months
        windows += [v.id, ranking.start_of(ranking.earliest_concluded_on(as_of, validity))]
    sql = CANDIDATES_SQL % " OR ".join([VERSION_WINDOW] * len(versions))
    rows = await Assessment.raw(sql, end, *windows, end)
    by_version = {v.version: v for v in versions}
    candidates = []
    for r in rows:
        version = by_version[r["version"]]
        award = None if r["award_revoked"] else r["award_code"]
        candidates.append(
            ranking.Candidate(
                organisation=r["org_slug"],
                organisation_name=r["org_name"],
                organisation_kind=r["org_kind"],
                concluded_at=_moment(r["concluded_at"]),
                framework_version=version.version,
                validity_months=version.model.certificate.validity_months,
                overall=ranking.exact(r["moderated_percent"]),
                themes=_themes_of(r["moderated_result"]),
                award_code=award,
                award_label=r["award_label"] if award else None,
            )
        )
    return candidates


class _Result(msgspec.Struct):
    themes: dict[str, str | None] = {}


_RESULT = msgspec.json.Decoder(_Result)


def _themes_of(stored: Any) -> dict[str, str | None]:
    """The exact theme percents of a stored moderated result (assessments.results)."""
    if stored is None:
        return {}
    if isinstance(stored, str | bytes):
        return _RESULT.decode(stored).themes
    return dict(stored.get("themes") or {})


def _moment(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


async def _series(slug: str) -> list[ranking.Published]:
    rows = await LeagueTable.select(
        LeagueTable.id, LeagueTable.revises, LeagueTable.published_at
    ).where(LeagueTable.framework_slug == slug)
    return [ranking.Published(r["id"], r["revises"], r["published_at"]) for r in rows]


async def _table_row(table_id: UUID, with_rows: bool = True) -> dict[str, Any] | None:
    columns = [
        LeagueTable.id,
        LeagueTable.framework_slug,
        LeagueTable.title,
        LeagueTable.as_of,
        LeagueTable.published_at,
        LeagueTable.revises,
        LeagueTable.revision_reason,
    ]
    if with_rows:
        columns.append(LeagueTable.rows)
    row = await LeagueTable.select(*columns).where(LeagueTable.id == table_id).first()
    if row is not None and with_rows:
        row["rows"] = _decode(row["rows"])
    return row


class _Exact(msgspec.Struct):
    overall: str


class _Standing(msgspec.Struct):
    organisation: str
    rank: int
    exact: _Exact


async def _previous(
    table_id: UUID | None,
) -> tuple[dict[str, Any] | None, dict[str, ranking.Standing] | None]:
    """A table's id, title and as-of date, and where each organisation stood in it (decoding only
    those fields of its rows is much faster than decoding them all)."""
    if table_id is None:
        return None, None
    row = (
        await LeagueTable.select(
            LeagueTable.id, LeagueTable.title, LeagueTable.as_of, LeagueTable.rows
        )
        .where(LeagueTable.id == table_id)
        .first()
    )
    if row is None:
        return None, None
    rows = row["rows"]
    decoded = (
        msgspec.json.decode(rows, type=list[_Standing])
        if isinstance(rows, str | bytes)
        else [msgspec.convert(r, _Standing) for r in rows]
    )
    return _brief(row), {r.organisation: ranking.Standing(r.rank, r.exact.overall) for r in decoded}


def _themes(versions: list[Version], used: set[str]) -> list[dict[str, str]]:
    """Theme columns: the newest used version's themes in file order, then any others."""
    themes: dict[str, str] = {}
    for version in sorted(versions, key=lambda v: v.loaded_at, reverse=True):
        if version.version in used:
            for theme in version.model.themes:
                themes.setdefault(theme.code, theme.title)
    return [{"code": code, "title": title} for code, title in themes.items()]


def _framework_title(versions: list[Version]) -> str:
    return versions[-1].model.title if versions else ""


# --- preview, publish, revise ---------------------------------------------------------------


async def _revised(form: PublishForm) -> dict[str, Any] | None:
    """The table a revision corrects, filling in what the form leaves out from it."""
    revises = form.revises_id
    if revises is None:
        return None
    old = await _table_row(revises, with_rows=False)
    if old is None:
        raise Invalid({"revises": f"No published league table has id {form.revises}"})
    newer = (
        await LeagueTable.select(LeagueTable.id, LeagueTable.title)
        .where(LeagueTable.revises == revises)
        .first()
    )
    if newer is not None:
        raise Conflict(
            f"League table {revises} has already been revised by {newer['id']} "
            f"('{newer['title']}'); revise that one instead"
        )
    form.framework = form.framework or old["framework_slug"]
    form.title = form.title or old["title"]
    form.as_of = form.as_of or old["as_of"].isoformat()
    if form.framework != old["framework_slug"]:
        raise Invalid(
            {
                "framework": f"A revision keeps the framework of the table it revises "
                f"({old['framework_slug']}), not '{form.framework}'"
            }
        )
    return old


@dataclass(frozen=True)
class Checked:
    """A checked request to publish: the framework's versions and the as-of date."""

    form: PublishForm
    versions: list[Version]
    as_of: dt.date


async def _checked(form: PublishForm) -> Checked:
    await _revised(form)  # first: a revision fills in what the form leaves out
    problems = form.validate(today())
    if problems:
        raise Invalid(problems)
    versions = await _versions(form.framework)
    if not versions:
        raise Invalid({"framework": f"No framework with slug '{form.framework}' is loaded"})
    as_of = form.as_of_date
    assert as_of is not None
    return Checked(form, versions, as_of)


async def _draft(
    request: Checked, candidates: list[ranking.Candidate], moment: dt.datetime
) -> Draft:
    """The table from the candidates, compared with the table before it in the series."""
    form, as_of = request.form, request.as_of
    revised = await _revised(form)
    previous_id = ranking.previous_table(
        await _series(form.framework), moment, revised["id"] if revised else None
    )
    previous, standings = await _previous(previous_id)
    rows = ranking.build_rows(candidates, as_of, standings)
    if not rows:
        raise Invalid(
            {
                "as_of": f"No organisation has a concluded, moderated assessment of "
                f"{form.framework} that is current on {as_of.isoformat()}"
            }
        )
    return Draft(
        framework=form.framework,
        framework_title=_framework_title(request.versions),
        title=form.title,
        as_of=as_of,
        revises=_brief(revised),
        reason=form.reason or None,
        compared_with=previous,
        themes=_themes(request.versions, {r["framework_version"] for r in rows}),
        rows=rows,
    )


def _draft_dict(draft: Draft) -> dict[str, Any]:
    return {
        "framework": draft.framework,
        "framework_title": draft.framework_title,
        "title": draft.title,
        "as_of": draft.as_of.isoformat(),
        "revises": draft.revises,
        "revision_reason": draft.reason,
        "compared_with": draft.compared_with,
        "themes": draft.themes,
        "rows": draft.rows,
    }


async def preview(actor: Any, form: PublishForm) -> dict[str, Any]:
    """The table that publishing `form` now would give; nothing is stored."""
    _require_publisher(actor)
    request = await _checked(form)
    candidates = await _candidates(request.as_of, request.versions)
    return _draft_dict(await _draft(request, candidates, dt.datetime.now(dt.UTC)))


async def publish(actor: Any, form: PublishForm) -> dict[str, Any]:
    """Publish a snapshot (or a revision): one INSERT, so readers see the old table or the new."""
    _require_publisher(actor)
    request = await _checked(form)
    # Concluded results are read before the transaction: they do not depend on the series (which
    # table this one compares with, whether its target is already revised), read inside it.
    # Not concurrently: inside a caller's transaction both reads share one connection.
    candidates = await _candidates(request.as_of, request.versions)
    async with db.transaction():
        if db.is_postgres():
            await LeagueTable.raw("SELECT pg_advisory_xact_lock({})", PUBLISH_LOCK)
        now = dt.datetime.now(dt.UTC)
        draft = await _draft(request, candidates, now)
        table_id = uuid4()
        await LeagueTable.insert(
            LeagueTable(
                id=table_id,
                framework_slug=draft.framework,
                title=draft.title,
                as_of=draft.as_of,
                published_at=now,
                published_by=actor.id,
                rows=msgspec.json.encode(draft.rows).decode(),
                revises=UUID(draft.revises["id"]) if draft.revises else None,
                revision_reason=draft.reason,
            )
        )
        await record(actor, _action(draft), "league_table", table_id, after=_audited(draft))
    return {"id": str(table_id), "published_at": now.isoformat(), **_draft_dict(draft)}


def _action(draft: Draft) -> str:
    return "league_table.revise" if draft.revises else "league_table.publish"


def _audited(draft: Draft) -> dict[str, Any]:
    return {
        "framework": draft.framework,
        "title": draft.title,
        "as_of": draft.as_of.isoformat(),
        "organisations": len(draft.rows),
        "revises": draft.revises["id"] if draft.revises else None,
        "reason": draft.reason,
        "compared_with": draft.compared_with["id"] if draft.compared_with else None,
    }


async def revise(
    actor: Any,
    table_id: str | UUID,
    reason: str,
    as_of: str | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """Publish a correction of `table_id`, naming it and why; the old table stays readable."""
    form = PublishForm(
        revises=str(table_id),
        reason=(reason or "").strip(),
        as_of=(as_of or "").strip(),
        title=(title or "").strip(),
    )
    if form.revises_id is None or await _table_row(form.revises_id, with_rows=False) is None:
        raise NotFound("No such league table")
    return await publish(actor, form)


# --- reading --------------------------------------------------------------------------------


def _summary(row: dict[str, Any], revised_by: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "framework": row["framework_slug"],
        "title": row["title"],
        "as_of": row["as_of"].isoformat(),
        "published_at": row["published_at"].isoformat(),
        "revises": str(row["revises"]) if row["revises"] else None,
        "revision_reason": row["revision_reason"],
        "revised_by": str(revised_by["id"]) if revised_by else None,
    }


async def framework_titles() -> dict[str, str]:
    """slug -> title of its most recently loaded version."""
    rows = (
        await FrameworkVersion.select(FrameworkVersion.slug, FrameworkVersion.title)
        .order_by(FrameworkVersion.loaded_at)
        .limit(1000)
    )
    return {r["slug"]: r["title"] for r in rows}


async def list_tables(
    framework: str | None = None, limit: int = MAX_LISTED
) -> list[dict[str, Any]]:
    """Published tables, newest first, each saying whether it revises or was revised."""
    query = (
        LeagueTable.select(
            LeagueTable.id,
            LeagueTable.framework_slug,
            LeagueTable.title,
            LeagueTable.as_of,
            LeagueTable.published_at,
            LeagueTable.revises,
            LeagueTable.revision_reason,
        )
        .order_by(LeagueTable.published_at, ascending=False)
        .limit(limit)
    )
    if framework:
        query = query.where(LeagueTable.framework_slug == framework)
    rows = await query
    revised_by = {r["revises"]: r for r in rows if r["revises"]}
    return [_summary(r, revised_by.get(r["id"])) for r in rows]


async def get_table(table_id: str | UUID) -> dict[str, Any]:
    """A published table with its rows, theme names, what it revises or was revised by, and the
    table its changes are measured against."""
    parsed = table_id if isinstance(table_id, UUID) else parse_id(str(table_id))
    row = await _table_row(parsed) if parsed else None
    if row is None:
        raise NotFound("No such league table")
    revised_by = (
        await LeagueTable.select(
            LeagueTable.id,
            LeagueTable.title,
            LeagueTable.as_of,
            LeagueTable.published_at,
            LeagueTable.revision_reason,
        )
        .where(LeagueTable.revises == row["id"])
        .first()
    )
    revises = await _table_row(row["revises"], with_rows=False) if row["revises"] else None
    series = await _series(row["framework_slug"])
    previous_id = ranking.previous_table(series, row["published_at"], row["revises"])
    previous = await _table_row(previous_id, with_rows=False) if previous_id else None
    versions = await _versions(row["framework_slug"])
    used = {r["framework_version"] for r in row["rows"]}
    return {
        **_summary(row, revised_by),
        "framework_title": _framework_title(versions),
        "revises": _brief(revises),
        "revised_by": None
        if revised_by is None
        else {
            **_brief(revised_by),  # type: ignore[dict-item]
            "published_at": revised_by["published_at"].isoformat(),
            "reason": revised_by["revision_reason"],
        },
        "compared_with": _brief(previous),
        "themes": _themes(versions, used),
        "rows": row["rows"],
    }


async def organisation_history(slug: str) -> dict[str, Any]:
    """An organisation's place in every current published table it appears in, oldest first,
    grouped by framework. Revised tables give way to their revisions."""
    org = (
        await Organisation.select(Organisation.slug, Organisation.name, Organisation.kind)
        .where(Organisation.slug == slug)
        .first()
    )
    if org is None:
        raise NotFound(f"No organisation has slug '{slug}'")
    replaced = [
        r["revises"]
        for r in await LeagueTable.select(LeagueTable.revises).where(
            LeagueTable.revises.is_not_null()
        )
    ]
    # Only tables whose JSON holds the slug as a string are read (slugs hold no LIKE wildcards);
    # the rare table where it is some other value is passed over below.
    query = LeagueTable.select(
        LeagueTable.id,
        LeagueTable.framework_slug,
        LeagueTable.title,
        LeagueTable.as_of,
        LeagueTable.published_at,
        LeagueTable.rows,
    ).where(WhereRaw("CAST(rows AS TEXT) LIKE {}", f'%"{slug}"%'))
    if replaced:
        query = query.where(LeagueTable.id.not_in(replaced))
    tables = (
        await query.order_by(LeagueTable.as_of, ascending=False)
        .order_by(LeagueTable.published_at, ascending=False)
        .limit(MAX_HISTORY)
    )
    titles = await framework_titles()
    series: dict[str, list[dict[str, Any]]] = {}
    for table in reversed(tables):
        rows = _decode(table["rows"])
        mine = next((r for r in rows if r["organisation"] == slug), None)
        if mine is None:
            continue
        series.setdefault(table["framework_slug"], []).append(
            {
                "table": _brief(table),
                "published_at": table["published_at"].isoformat(),
                "rank": mine["rank"],
                "of": len(rows),
                "award": mine["award"],
                "overall_percent": mine["overall_percent"],
                "overall_exact": mine["exact"]["overall"],
                "themes": mine["themes"],
            }
        )
    return {
        "organisation": {"slug": org["slug"], "name": org["name"], "kind": org["kind"]},
        "frameworks": [
            {"framework": fw, "framework_title": titles.get(fw, fw), "publications": points}
            for fw, points in series.items()
        ],
    }
