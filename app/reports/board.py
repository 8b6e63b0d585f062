"""The board report's content, assembled from plain data (no I/O): summary, per-theme tables,
findings, comparison with the previous assessment, league table position and action plan."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from app.assessments.results import overall_of, themes_of
from app.assessments.scoring import (
    HUNDRED,
    Answer,
    award_gaps,
    display_percent,
    exact,
    next_award,
    unmet_rules,
)
from app.frameworks.model import Award, Element, Framework
from app.reports.chart import Bar, data_uri, theme_chart_svg

MINUS = "\N{MINUS SIGN}"
QUARTILES = {1: "top quartile", 2: "second quartile", 3: "third quartile", 4: "bottom quartile"}


@dataclass(frozen=True)
class Marked:
    """One answer to an element, the department's or the assessor's."""

    score: int | None
    not_applicable: bool = False
    rationale: str = ""
    strength: str = ""
    improvement: str = ""

    @property
    def answer(self) -> Answer:
        return Answer(self.score, self.not_applicable)


@dataclass(frozen=True)
class ThemeLine:
    code: str
    title: str
    self_percent: Fraction | None
    moderated_percent: Fraction | None
    difference: str


@dataclass(frozen=True)
class ElementLine:
    code: str
    statement: str
    self_score: str
    moderated_score: str
    rationale: str


@dataclass(frozen=True)
class ThemeSection:
    code: str
    title: str
    elements: list[ElementLine]


@dataclass(frozen=True)
class Finding:
    code: str
    statement: str
    text: str


@dataclass(frozen=True)
class ThemeChange:
    title: str
    previous: Fraction | None
    current: Fraction | None
    change: str


@dataclass(frozen=True)
class Previous:
    """The organisation's previous concluded assessment of the same framework."""

    version: str
    concluded_on: dt.date | None
    award_label: str | None
    moderated_result: dict[str, Any] | None


@dataclass(frozen=True)
class Comparison:
    version: str
    concluded_on: dt.date | None
    award_label: str
    overall: Fraction | None
    overall_change: str
    themes: list[ThemeChange]


@dataclass(frozen=True)
class LeaguePosition:
    title: str
    as_of: str
    rank: int
    total: int
    quartile: str


@dataclass(frozen=True)
class ActionItem:
    code: str
    theme: str
    statement: str
    current: str
    needed: str
    improvement: str


@dataclass(frozen=True)
class TrackedAction:
    """One action of the department's action plan (app/actions), as the report lists it."""

    title: str
    element: str | None
    owner: str | None
    due_on: dt.date
    status: str  # a person's word for it: "In progress"
    overdue: bool
    latest_note: str


@dataclass(frozen=True)
class BoardReport:
    assessment_id: str
    organisation: str
    framework_title: str
    framework_version: str
    content_hash: str
    concluded_on: dt.date | None
    generated_on: dt.date
    award: str
    certificate_id: str | None
    certificate_expires_on: dt.date | None
    self_overall: Fraction | None
    moderated_overall: Fraction | None
    overall_difference: str
    themes: list[ThemeLine]
    chart_uri: str
    sections: list[ThemeSection]
    strengths: list[Finding]
    improvements: list[Finding]
    comparison: Comparison | None
    league: LeaguePosition | None
    league_framework: str
    next_award: str | None
    actions: list[ActionItem] = field(default_factory=list)
    tracked: list[TrackedAction] = field(default_factory=list)  # overdue first


def points(change: Fraction | None) -> str:
    """A change in percentage points, signed: "+5.0 points", "−3.3 points" (a minus sign),
    "no change"."""  # noqa: RUF002
    if change is None:
        return "—"
    shown = display_percent(abs(change))
    if shown == "0.0":
        return "no change"
    return f"{'+' if change > 0 else MINUS}{shown} points"


def _difference(before: Fraction | None, after: Fraction | None) -> Fraction | None:
    return None if before is None or after is None else after - before


def score_label(framework: Framework, marked: Marked | None) -> str:
    if marked is None:
        return "—"
    if marked.not_applicable:
        return "Not applicable"
    if marked.score is None:
        return "—"
    level = framework.level(marked.score)
    return f"{marked.score} \N{EN DASH} {level.label}" if level else str(marked.score)


def quartile(rank: int, total: int) -> int:
    """1 (top) to 4 (bottom): where `rank` of `total` falls; tied ranks share a quartile."""
    if total <= 0:
        raise ValueError("a league table with no rows has no quartiles")
    rank = min(max(rank, 1), total)
    return (rank - 1) * 4 // total + 1


def _matches(value: Any, organisation: Mapping[str, Any]) -> bool:
    keys = {str(organisation.get(k)) for k in ("id", "slug", "name") if organisation.get(k)}
    if isinstance(value, Mapping):
        return any(_matches(value.get(k), organisation) for k in ("id", "slug", "name"))
    return value is not None and str(value) in keys


def league_position(
    table: Mapping[str, Any] | None, organisation: Mapping[str, Any]
) -> LeaguePosition | None:
    """The organisation's rank and quartile in a published table; None when it is not listed.

    Rows are read defensively (they are frozen JSON written by another part of the service):
    the organisation may be named by id, slug or name, or be an object holding one of those.
    """
    if not table:
        return None
    rows: Any = table.get("rows")
    if isinstance(rows, str | bytes):
        try:
            rows = json.loads(rows)
        except ValueError:
            return None
    if not isinstance(rows, list):
        return None
    rows = [r for r in rows if isinstance(r, Mapping)]
    for row in rows:
        named = [row.get("organisation"), row.get("organisation_id"), row.get("organisation_slug")]
        if any(_matches(value, organisation) for value in named):
            try:
                rank = int(row["rank"])
            except (KeyError, TypeError, ValueError):
                return None
            return LeaguePosition(
                title=str(table.get("title") or "League table"),
                as_of=str(table.get("as_of") or ""),
                rank=rank,
                total=len(rows),
                quartile=QUARTILES[quartile(rank, len(rows))],
            )
    return None


def _level_reaching(framework: Framework, bar: Fraction) -> int:
    """The lowest scale value whose element percent is at least `bar`."""
    lo, span = framework.lowest, framework.highest - framework.lowest
    for level in framework.scale.levels:
        if HUNDRED * (level.value - lo) / span >= bar:
            return level.value
    return framework.highest


def needed_score(
    framework: Framework, award: Award, element: Element, unmet: set[str], theme_failing: bool
) -> int:
    """The lowest score on `element` that satisfies every rule of `award` that applies to it."""
    rules = award.rules
    needed = [framework.lowest]
    if element.mandatory and rules.min_mandatory_score is not None:
        needed.append(rules.min_mandatory_score)
    if rules.min_element_score is not None:
        needed.append(rules.min_element_score)
    if "max_elements_below" in unmet and rules.max_elements_below is not None:
        needed.append(rules.max_elements_below.score)
    if "min_overall_percent" in unmet and rules.min_overall_percent is not None:
        needed.append(_level_reaching(framework, exact(rules.min_overall_percent)))
    if theme_failing and rules.min_theme_percent is not None:
        needed.append(_level_reaching(framework, exact(rules.min_theme_percent)))
    return max(needed)


def action_plan(
    framework: Framework,
    moderated: Mapping[str, Marked],
    target: Award,
    theme_percents: Mapping[str, Fraction | None],
) -> list[ActionItem]:
    """Every element below the level `target` needs, with the assessor's area for improvement."""
    answers = {code: m.answer for code, m in moderated.items()}
    unmet = set(unmet_rules(framework, answers, target))
    bar = (
        exact(target.rules.min_theme_percent)
        if target.rules.min_theme_percent is not None
        else None
    )
    items = []
    for code in award_gaps(framework, answers, target):
        element = framework.element(code)
        theme = framework.theme_of(code)
        if element is None or theme is None:
            continue
        percent = theme_percents.get(theme.code)
        failing = (
            "min_theme_percent" in unmet
            and bar is not None
            and percent is not None
            and percent < bar
        )
        needed = needed_score(framework, target, element, unmet, failing)
        marked = moderated.get(code)
        items.append(
            ActionItem(
                code=code,
                theme=theme.title,
                statement=element.statement,
                current=score_label(framework, marked),
                needed=score_label(framework, Marked(needed)),
                improvement=marked.improvement if marked else "",
            )
        )
    return items


def _stored(value: Any) -> dict[str, Any] | None:
    """A stored result as a dict, whether the database driver decoded the JSON or not."""
    if isinstance(value, str | bytes):
        value = json.loads(value)
    return value if isinstance(value, dict) else None


def _comparison(
    framework: Framework,
    previous: Previous | None,
    moderated_result: dict[str, Any] | None,
    previous_framework: Framework | None,
) -> Comparison | None:
    if previous is None:
        return None
    previous_result = _stored(previous.moderated_result)
    before_overall = overall_of(previous_result)
    now_overall = overall_of(moderated_result)
    before, now = themes_of(previous_result), themes_of(moderated_result)
    titles = {t.code: t.title for t in (previous_framework or framework).themes}
    titles.update({t.code: t.title for t in framework.themes})
    codes = [t.code for t in framework.themes] + [c for c in before if c not in now]
    return Comparison(
        version=previous.version,
        concluded_on=previous.concluded_on,
        award_label=previous.award_label or "Not accredited",
        overall=before_overall,
        overall_change=points(_difference(before_overall, now_overall)),
        themes=[
            ThemeChange(
                titles.get(c, c),
                before.get(c),
                now.get(c),
                points(_difference(before.get(c), now.get(c))),
            )
            for c in codes
        ],
    )


def build(
    *,
    assessment_id: str,
    organisation: Mapping[str, Any],
    framework: Framework,
    framework_row: Mapping[str, Any],
    assessment: Mapping[str, Any],
    responses: Mapping[str, Marked],
    moderations: Mapping[str, Marked],
    previous: Previous | None,
    previous_framework: Framework | None,
    league_table: Mapping[str, Any] | None,
    certificate: Mapping[str, Any] | None,
    today: dt.date,
) -> BoardReport:
    self_result = _stored(assessment.get("self_result"))
    moderated_result = _stored(assessment.get("moderated_result"))
    self_themes, moderated_themes = themes_of(self_result), themes_of(moderated_result)
    themes = [
        ThemeLine(
            t.code,
            t.title,
            self_themes.get(t.code),
            moderated_themes.get(t.code),
            points(_difference(self_themes.get(t.code), moderated_themes.get(t.code))),
        )
        for t in framework.themes
    ]
    sections = [
        ThemeSection(
            t.code,
            t.title,
            [
                ElementLine(
                    e.code,
                    e.statement,
                    score_label(framework, responses.get(e.code)),
                    score_label(framework, moderations.get(e.code)),
                    moderations[e.code].rationale if e.code in moderations else "",
                )
                for c in t.criteria
                for e in c.elements
            ],
        )
        for t in framework.themes
    ]
    ordered = [(e, moderations[e.code]) for e in framework.elements() if e.code in moderations]
    award_code = assessment.get("award_code")
    current = next((a for a in framework.awards if a.code == award_code), None)
    target = next_award(framework, {}, current)
    concluded_at = assessment.get("concluded_at")
    self_overall, moderated_overall = overall_of(self_result), overall_of(moderated_result)
    chart = theme_chart_svg(
        [Bar(t.title, t.self_percent, t.moderated_percent) for t in themes],
        title=f"{framework.title}: theme percents, self-assessed and moderated",
    )
    return BoardReport(
        assessment_id=assessment_id,
        organisation=str(organisation["name"]),
        framework_title=framework.title,
        framework_version=framework.version,
        content_hash=str(framework_row.get("content_sha256") or "")[:12],
        concluded_on=concluded_at.date() if isinstance(concluded_at, dt.datetime) else concluded_at,
        generated_on=today,
        award=assessment.get("award_label") or "Not accredited",
        certificate_id=str(certificate["id"]) if certificate else None,
        certificate_expires_on=certificate["expires_on"] if certificate else None,
        self_overall=self_overall,
        moderated_overall=moderated_overall,
        overall_difference=points(_difference(self_overall, moderated_overall)),
        themes=themes,
        chart_uri=data_uri(chart),
        sections=sections,
        strengths=[
            Finding(e.code, e.statement, m.strength) for e, m in ordered if m.strength.strip()
        ],
        improvements=[
            Finding(e.code, e.statement, m.improvement) for e, m in ordered if m.improvement.strip()
        ],
        comparison=_comparison(framework, previous, moderated_result, previous_framework),
        league=league_position(league_table, organisation),
        league_framework=framework.title,
        next_award=target.label if target else None,
        actions=action_plan(framework, moderations, target, moderated_themes) if target else [],
    )
