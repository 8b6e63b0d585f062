"""Calibration for lead assessors: self-assessed against moderated percents, for one assessment or
across every moderated assessment of a framework."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.accounts.actor import Actor
from app.accounts.policy import can_read_calibration
from app.assessments.results import overall_of, themes_of
from app.assessments.tables import Assessment
from app.errors import Forbidden, NotFound
from app.frameworks import service as frameworks
from app.frameworks.tables import FrameworkVersion
from app.moderation.access import load
from app.moderation.gaps import Sample, assessment_view, framework_view

MODERATED_STATES = ["moderated", "concluded"]
SAMPLE_LIMIT = 2000


def _may_read(actor: Actor) -> None:
    if not can_read_calibration(actor):
        raise Forbidden("Only lead assessors can see calibration.")


def _sample(row: dict[str, Any], organisation: str, version: str) -> Sample:
    return Sample(
        assessment=str(row["id"]),
        organisation=organisation,
        version=version,
        status=row["status"],
        self_overall=overall_of(row["self_result"]),
        moderated_overall=overall_of(row["moderated_result"]),
        self_themes=themes_of(row["self_result"]),
        moderated_themes=themes_of(row["moderated_result"]),
        submitted_at=row["submitted_at"],
    )


async def for_assessment(actor: Actor, assessment_id: UUID) -> dict[str, Any]:
    loaded = await load(actor, assessment_id)  # first: what they may not see answers 404
    _may_read(actor)
    row = loaded.assessment
    if row["status"] not in MODERATED_STATES or not row["moderated_result"]:
        raise NotFound("This assessment has no completed moderation to calibrate against yet")
    version, framework = await frameworks.framework_for(row["framework_version"])
    organisation = (
        await Assessment.select(Assessment.organisation.name.as_alias("name"))
        .where(Assessment.id == loaded.id)
        .first()
    )
    themes = [(t.code, t.title) for t in framework.themes]
    sample = _sample(row, organisation["name"] if organisation else "", version["version"])
    return {
        "framework": {
            "slug": version["slug"],
            "version": version["version"],
            "title": version["title"],
        },
        **assessment_view(sample, themes),
    }


async def for_framework(actor: Actor, slug: str) -> dict[str, Any]:
    """Every moderated or concluded assessment of the framework (any version)."""
    _may_read(actor)
    latest = await frameworks.latest_version(slug)
    rows = await (
        Assessment.select(
            Assessment.id,
            Assessment.status,
            Assessment.submitted_at,
            Assessment.self_result,
            Assessment.moderated_result,
            Assessment.organisation.name.as_alias("organisation_name"),
            Assessment.framework_version.version.as_alias("version"),
            Assessment.framework_version.id.as_alias("version_id"),
        )
        .where(
            (Assessment.framework_version.slug == slug)
            & Assessment.status.is_in(MODERATED_STATES)
            & Assessment.moderated_result.is_not_null()
        )
        .order_by(Assessment.submitted_at)
        .limit(SAMPLE_LIMIT)
        .output(load_json=True)
    )
    themes = [(t.code, t.title) for t in frameworks.model_of(latest).themes]
    older = await _older_themes({r["version_id"] for r in rows} - {latest["id"]})
    known = {code for code, _ in themes}
    themes += [(code, title) for code, title in older if code not in known]
    samples = [_sample(r, r["organisation_name"], r["version"]) for r in rows]
    return {
        "framework": {"slug": latest["slug"], "title": latest["title"]},
        **framework_view(samples, themes),
    }


async def _older_themes(version_ids: set[UUID]) -> list[tuple[str, str]]:
    """Themes that only older versions of a framework have, so their gaps are not lost."""
    if not version_ids:
        return []
    rows = await FrameworkVersion.select().where(FrameworkVersion.id.is_in(list(version_ids)))
    seen: dict[str, str] = {}
    for row in rows:
        for theme in frameworks.model_of(row).themes:
            seen.setdefault(theme.code, theme.title)
    return list(seen.items())


async def frameworks_with_samples(actor: Actor) -> list[dict[str, Any]]:
    """Loaded frameworks, each with how many moderated assessments it has."""
    _may_read(actor)
    versions = await frameworks.list_versions()
    counts: dict[str, int] = {}
    for row in (
        await Assessment.select(Assessment.framework_version.slug.as_alias("slug"))
        .where(Assessment.status.is_in(MODERATED_STATES))
        .limit(SAMPLE_LIMIT * 5)
    ):
        counts[row["slug"]] = counts.get(row["slug"], 0) + 1
    titles: dict[str, str] = {}
    for v in versions:
        titles[v["slug"]] = v["title"]
    return [{"slug": s, "title": t, "assessments": counts.get(s, 0)} for s, t in titles.items()]
