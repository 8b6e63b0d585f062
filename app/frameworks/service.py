"""Framework versions: store them (immutable, idempotent), list them, and read them back as models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec

from app import db
from app.audit.service import record
from app.errors import Conflict, NotFound
from app.frameworks.currency import Candidate, current
from app.frameworks.loader import LoadedFramework, load_file
from app.frameworks.model import Framework
from app.frameworks.tables import FrameworkVersion

FRAMEWORK_SUFFIXES = (".yaml", ".yml", ".json")
VERSIONS = 500  # at most this many versions of all frameworks are listed


def summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": row["slug"],
        "version": row["version"],
        "title": row["title"],
        "content_sha256": row["content_sha256"],
    }


async def store(
    actor: Any, loaded: LoadedFramework, source_name: str = ""
) -> tuple[dict[str, Any], bool]:
    """Store a validated version. Returns (row, created). Same content again is a no-op;
    different content under a stored (slug, version) is refused."""
    fw = loaded.framework
    async with db.transaction():
        existing = (
            await FrameworkVersion.select()
            .where((FrameworkVersion.slug == fw.slug) & (FrameworkVersion.version == fw.version))
            .first()
        )
        if existing is not None:
            if existing["content_sha256"] == loaded.sha256:
                return existing, False
            raise Conflict(
                f"{source_name or fw.slug}: framework {fw.slug} version {fw.version} is already loaded "
                f"with different content (stored sha256 {existing['content_sha256']}, "
                f"new sha256 {loaded.sha256}); a loaded version never changes: bump `version`"
            )
        row = FrameworkVersion(
            slug=fw.slug,
            version=fw.version,
            title=fw.title,
            content=loaded.content,
            content_sha256=loaded.sha256,
            source_name=source_name[-300:],
        )
        await row.save()
        await record(
            actor,
            "framework.load",
            "framework_version",
            row.id,
            after={"slug": fw.slug, "version": fw.version, "sha256": loaded.sha256},
        )
    return row.to_dict(), True


async def load_paths(actor: Any, paths: list[Path]) -> list[str]:
    """Validate then store each file; every file is validated before anything is stored."""
    loaded = [(path, load_file(path)) for path in paths]
    lines = []
    for path, item in loaded:
        row, created = await store(actor, item, str(path))
        verb = "loaded" if created else "unchanged"
        lines.append(
            f"{verb}: {row['slug']} {row['version']} ({row['content_sha256'][:12]}) from {path}"
        )
    return lines


def framework_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in FRAMEWORK_SUFFIXES and p.is_file())


async def load_directory(actor: Any, directory: Path) -> list[str]:
    return await load_paths(actor, framework_files(directory))


async def list_versions(limit: int = 500) -> list[dict[str, Any]]:
    rows = await (
        FrameworkVersion.select(
            FrameworkVersion.id,
            FrameworkVersion.slug,
            FrameworkVersion.version,
            FrameworkVersion.title,
            FrameworkVersion.content_sha256,
            FrameworkVersion.loaded_at,
        )
        .order_by(FrameworkVersion.slug)
        .order_by(FrameworkVersion.loaded_at)
        .limit(limit)
    )
    return rows


async def get_version(slug: str, version: str) -> dict[str, Any]:
    row = (
        await FrameworkVersion.select()
        .where((FrameworkVersion.slug == slug) & (FrameworkVersion.version == version))
        .first()
    )
    if row is None:
        raise NotFound(f"No framework {slug} version {version} is loaded")
    return row


async def latest_version(slug: str, today: dt.date | None = None) -> dict[str, Any]:
    """The version of a framework in force (app/frameworks/currency.py): what a new assessment
    gets when no version is named."""
    rows = await FrameworkVersion.select().where(FrameworkVersion.slug == slug).limit(VERSIONS)
    if not rows:
        raise NotFound(f"No framework with slug '{slug}' is loaded")
    chosen = _current_of(rows, today or dt.date.today())
    return next(r for r in rows if r["id"] == chosen)


async def latest_version_ids(today: dt.date | None = None) -> set[UUID]:
    """The version in force of every loaded framework."""
    rows = await FrameworkVersion.select(
        FrameworkVersion.id,
        FrameworkVersion.slug,
        FrameworkVersion.version,
        FrameworkVersion.content,
    ).limit(VERSIONS)
    by_slug: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_slug.setdefault(row["slug"], []).append(row)
    return {_current_of(versions, today or dt.date.today()) for versions in by_slug.values()}


def _current_of(rows: list[dict[str, Any]], today: dt.date) -> UUID:
    """The id of the row in force among one framework's version rows (with their content)."""
    ids = {Candidate(r["version"], model_of(r).effective_from): r["id"] for r in rows}
    chosen = current(ids, today)
    assert chosen is not None  # rows is never empty
    return ids[chosen]


def content_of(row: dict[str, Any]) -> dict[str, Any]:
    """The stored file data (Piccolo returns JSON columns as text unless asked otherwise)."""
    content = row["content"]
    return msgspec.json.decode(content) if isinstance(content, str | bytes) else content


# Stored versions never change, so a parsed model can be kept for the life of the process.
_MODELS: dict[UUID, Framework] = {}


def model_of(row: dict[str, Any]) -> Framework:
    """The typed framework for a stored version row."""
    model = _MODELS.get(row["id"])
    if model is None:
        model = _MODELS[row["id"]] = msgspec.convert(content_of(row), Framework)
    return model


# Likewise each version's row (without its content): read once per process, parsed then.
_ROWS: dict[UUID, dict[str, Any]] = {}


async def versions_by_id(ids: Iterable[UUID]) -> dict[UUID, dict[str, Any]]:
    """Version rows by id, without their content (`model_of` takes any of them); ids of no
    stored version are left out."""
    wanted = set(ids)
    missing = [i for i in wanted if i not in _ROWS]
    if missing:
        for row in await FrameworkVersion.select().where(FrameworkVersion.id.is_in(missing)):
            model_of(row)
            _ROWS[row["id"]] = {k: v for k, v in row.items() if k != "content"}
    return {i: _ROWS[i] for i in wanted if i in _ROWS}


async def framework_for(version_id: UUID) -> tuple[dict[str, Any], Framework]:
    """A version's row (without its content) and its typed framework."""
    row = (await versions_by_id([version_id])).get(version_id)
    if row is None:
        raise NotFound("No such framework version")
    return row, model_of(row)
