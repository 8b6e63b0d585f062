"""The framework format's JSON Schema, generated from the typed model, for editors and checks."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import msgspec

from app.frameworks.model import Framework

SCHEMA_FILE = Path(__file__).with_name("schema.json")
SCHEMA_ID = "urn:charter:framework-format:1"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

# Shown by editors on hover; the wording follows docs/framework-format.md.
_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Framework": {
        "format": "The version of this file format; must be 1.",
        "slug": "Identifies the framework, such as customer-service-standard.",
        "version": 'Free text such as "2026.1"; quote it in YAML.',
        "title": "The human title of the framework.",
        "publisher": "Who owns the standard.",
        "description": "Plain text; may be several paragraphs.",
        "effective_from": "ISO date, such as 2026-04-01.",
        "scale": "How each element is scored.",
        "awards": "Award levels, highest first; an assessment earns the first whose rules hold.",
        "certificate": "How long a certificate lasts and when it is reviewed.",
        "themes": "At least one theme.",
    },
    "Scale": {
        "levels": "At least two levels; values are whole numbers, strictly increasing.",
        "allow_not_applicable": 'Whether an element may be answered "not applicable".',
    },
    "Level": {
        "value": "A whole number; each level's value is higher than the one before.",
        "label": "Unique name of the level, such as Established.",
    },
    "Award": {
        "code": "Unique, such as excellence.",
        "label": "The award's name as printed on certificates.",
        "rules": "All the rules given must hold for the award to be earned.",
    },
    "AwardRules": {
        "min_overall_percent": "Overall percent must be at least this.",
        "min_theme_percent": "Every theme percent must be at least this.",
        "min_element_score": "Every scored element's score must be at least this scale value.",
        "min_mandatory_score": "Every mandatory element is scored (not N/A) at least this value.",
        "max_elements_below": "At most `count` scored elements may score below `score`.",
    },
    "CertificateTerms": {
        "validity_months": "How many months a certificate lasts (default 36).",
        "review_months": "Months between reviews (default 12).",
        "review_grace_days": "Days a review may be late before the certificate is suspended (default 30).",
        "review_sample": "Which elements a surveillance review samples.",
    },
    "ReviewSample": {
        "mandatory": "Every mandatory element (default true).",
        "below_score": "Every element moderated below this scale value in the certifying assessment.",
        "share_of_rest_percent": "This share of the other elements, rounded up, drawn at random (default 25).",
    },
    "Theme": {
        "code": "Such as LEAD; unique across the whole file.",
        "weight": "Weight in the overall percent (default 1).",
    },
    "Criterion": {"code": "Such as LEAD.1; unique across the whole file."},
    "Element": {
        "code": "Such as LEAD.1.1; unique across the whole file.",
        "statement": "What must be true.",
        "guidance": "What assessors look for.",
        "weight": "Weight within its theme (default 1).",
        "mandatory": "Used by the min_mandatory_score award rule (default false).",
        "evidence_required": "Cannot be submitted without at least one evidence item.",
    },
}


def _without_null(prop: dict[str, Any]) -> dict[str, Any]:
    """`X | None = None` in the model means "may be left out", not "may be written empty"."""
    options = prop.get("anyOf")
    if options and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        if len(rest) == 1:
            prop = {k: v for k, v in prop.items() if k != "anyOf"} | rest[0]
    if prop.get("default", 0) is None:
        del prop["default"]
    return prop


@functools.cache
def _generated() -> dict[str, Any]:
    defs = msgspec.json.schema(Framework)["$defs"]
    for name, definition in defs.items():
        definition.pop("title", None)
        definition["additionalProperties"] = False
        descriptions = _DESCRIPTIONS.get(name, {})
        for key, prop in list(definition["properties"].items()):
            prop = _without_null(prop)
            if key in descriptions:
                prop = {"description": descriptions[key], **prop}
            definition["properties"][key] = prop
        if not definition.get("required"):
            definition.pop("required", None)
    top = defs.pop("Framework")
    top["properties"]["format"] = {
        "description": top["properties"]["format"]["description"],
        "type": "integer",
        "const": 1,
    }
    top["properties"]["effective_from"]["pattern"] = DATE_PATTERN
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Charter assessment framework (format 1)",
        "description": "One version of an assessment framework. See docs/framework-format.md.",
        **top,
        "$defs": defs,
    }


def framework_json_schema() -> dict[str, Any]:
    """The schema as a fresh dict (callers may change it)."""
    return copy.deepcopy(_generated())


def schema_text() -> str:
    return json.dumps(_generated(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_FILE) -> None:
    path.write_text(schema_text(), encoding="utf-8")
