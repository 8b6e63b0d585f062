"""Calibration: how far departments' self-assessed percents sit from the moderated ones, by theme.

Exact arithmetic: a gap is self minus moderated (positive: the department rated itself higher than
the evidence showed), means are exact fractions, and values are rounded only for display.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from app.assessments.scoring import display_percent

MINUS = "\u2212"


@dataclass(frozen=True)
class Sample:
    """One moderated assessment's self-assessed and moderated percents."""

    assessment: str
    organisation: str
    version: str
    status: str
    self_overall: Fraction | None
    moderated_overall: Fraction | None
    self_themes: Mapping[str, Fraction | None] = field(default_factory=dict)
    moderated_themes: Mapping[str, Fraction | None] = field(default_factory=dict)
    submitted_at: dt.datetime | None = None  # tells one organisation's assessments apart


def gap(self_value: Fraction | None, moderated_value: Fraction | None) -> Fraction | None:
    if self_value is None or moderated_value is None:
        return None
    return self_value - moderated_value


def mean(values: Iterable[Fraction | None]) -> Fraction | None:
    present = [v for v in values if v is not None]
    return sum(present, Fraction(0)) / len(present) if present else None


def signed(value: Fraction | None) -> str:
    """A gap for people: '+6.7', MINUS + '2.5' (a minus sign, as everywhere a person reads a negative
    number), '0.0' (one decimal, halves away from zero), or a dash."""
    if value is None:
        return "—"
    shown = display_percent(value)
    if shown.lstrip("-") == "0.0":
        return "0.0"
    return f"{MINUS}{shown[1:]}" if shown.startswith("-") else f"+{shown}"


def exact(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def _value(value: Fraction | None) -> dict[str, Any]:
    return {"exact": exact(value), "display": display_percent(value)}


def _gap(value: Fraction | None) -> dict[str, Any]:
    return {"exact": exact(value), "display": signed(value)}


def assessment_view(sample: Sample, themes: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """One assessment: per theme (code, title) and overall, self, moderated and the gap."""
    return {
        "assessment": sample.assessment,
        "organisation": sample.organisation,
        "version": sample.version,
        "status": sample.status,
        "submitted_at": sample.submitted_at,
        "overall": {
            "self": _value(sample.self_overall),
            "moderated": _value(sample.moderated_overall),
            "gap": _gap(gap(sample.self_overall, sample.moderated_overall)),
        },
        "themes": [
            {
                "code": code,
                "title": title,
                "self": _value(sample.self_themes.get(code)),
                "moderated": _value(sample.moderated_themes.get(code)),
                "gap": _gap(gap(sample.self_themes.get(code), sample.moderated_themes.get(code))),
            }
            for code, title in themes
        ],
    }


def framework_view(samples: Sequence[Sample], themes: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Across assessments: the mean gap by theme and overall, who over-rates themselves and by how
    much (largest first), and each organisation's mean gaps."""
    theme_rows = []
    for code, title in themes:
        gaps = [(s, gap(s.self_themes.get(code), s.moderated_themes.get(code))) for s in samples]
        over = sorted(((s, g) for s, g in gaps if g is not None and g > 0), key=lambda p: -p[1])
        theme_rows.append(
            {
                "code": code,
                "title": title,
                "assessments": sum(1 for _, g in gaps if g is not None),
                "mean_gap": _gap(mean(g for _, g in gaps)),
                "over_rating": [
                    {
                        "organisation": s.organisation,
                        "assessment": s.assessment,
                        "submitted_at": s.submitted_at,
                        "gap": _gap(g),
                    }
                    for s, g in over
                ],
            }
        )
    by_organisation: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_organisation[sample.organisation].append(sample)
    organisations = []
    for name, own in by_organisation.items():
        overall = mean(gap(s.self_overall, s.moderated_overall) for s in own)
        organisations.append(
            (
                overall,
                {
                    "organisation": name,
                    "assessments": len(own),
                    "mean_gap": _gap(overall),
                    "themes": {
                        code: _gap(
                            mean(
                                gap(s.self_themes.get(code), s.moderated_themes.get(code))
                                for s in own
                            )
                        )
                        for code, _ in themes
                    },
                },
            )
        )
    # Largest over-rating first; organisations with nothing comparable last.
    organisations.sort(key=lambda p: (p[0] is None, -(p[0] or 0), p[1]["organisation"]))
    return {
        "assessments": len(samples),
        "overall": {
            "mean_gap": _gap(mean(gap(s.self_overall, s.moderated_overall) for s in samples))
        },
        "themes": theme_rows,
        "organisations": [row for _, row in organisations],
        "rows": [assessment_view(s, themes) for s in samples],
    }
