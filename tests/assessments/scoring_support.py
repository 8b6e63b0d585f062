"""The shipped frameworks and quick ways to fill in their answers, for the scoring tests."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import msgspec
import yaml

from app.assessments.scoring import Answer
from app.frameworks.loader import parse_framework
from app.frameworks.model import Award, Element, Framework

FRAMEWORKS_DIR = Path(__file__).resolve().parents[2] / "frameworks"
MAIN = "public-service-customer-standard.yaml"
COMPLAINTS = "complaints-feedback-standard.yaml"


@cache
def shipped(name: str) -> Framework:
    path = FRAMEWORKS_DIR / name
    return parse_framework(path.read_bytes(), str(path))


def from_yaml(text: str) -> Framework:
    return msgspec.convert(yaml.safe_load(text), Framework)


def award(framework: Framework, code: str) -> Award:
    return next(a for a in framework.awards if a.code == code)


def theme_elements(framework: Framework, theme: str) -> list[Element]:
    return [e for t in framework.themes if t.code == theme for c in t.criteria for e in c.elements]


def optional_elements(framework: Framework, theme: str, weight: float = 1) -> list[str]:
    """Codes of the theme's non-mandatory elements of the given weight, in file order."""
    return [
        e.code for e in theme_elements(framework, theme) if not e.mandatory and e.weight == weight
    ]


def answers(
    framework: Framework,
    default: int | None = None,
    themes: Mapping[str, int] | None = None,
    scores: Mapping[str, int] | None = None,
    not_applicable: tuple[str, ...] = (),
) -> dict[str, Answer]:
    """Every element scored: `default` (the top of the scale unless given), then per theme, then
    per element; codes in `not_applicable` answered N/A."""
    top = framework.highest if default is None else default
    result: dict[str, Answer] = {}
    for theme in framework.themes:
        for criterion in theme.criteria:
            for element in criterion.elements:
                value = (scores or {}).get(element.code, (themes or {}).get(theme.code, top))
                result[element.code] = Answer(value, element.code in not_applicable)
    return result
