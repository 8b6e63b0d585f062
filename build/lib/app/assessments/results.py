"""Stored results: a scoring Result kept as exact fraction strings, and shown in the API's shape."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from app.assessments.scoring import Result, api_percent


def to_stored(result: Result) -> dict[str, Any]:
    """Exact: {"overall": "200/3", "themes": {"LEAD": "125/2", ...}} (None stays None)."""
    return {
        "overall": None if result.overall is None else str(result.overall),
        "themes": {code: None if v is None else str(v) for code, v in result.themes.items()},
    }


def overall_of(stored: dict[str, Any] | None) -> Fraction | None:
    if not stored or stored.get("overall") is None:
        return None
    return Fraction(stored["overall"])


def themes_of(stored: dict[str, Any] | None) -> dict[str, Fraction | None]:
    if not stored:
        return {}
    return {code: None if v is None else Fraction(v) for code, v in stored["themes"].items()}


def for_api(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """contract.md: {overall_percent, themes: {CODE: percent}}, numbers rounded to 4 decimals."""
    if not stored:
        return None
    return {
        "overall_percent": api_percent(overall_of(stored)),
        "themes": {code: api_percent(v) for code, v in themes_of(stored).items()},
    }
