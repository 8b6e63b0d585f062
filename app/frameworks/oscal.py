"""Frameworks as OSCAL catalogs and back: export any framework, import a catalog as a framework file.

The catalog goes through compliance-trestle's OSCAL models both ways, so an export is a valid
catalog and an import reads only what the OSCAL schema allows. What OSCAL has no words for
(weights, mandatory flags, the scale, awards) is kept in props under Charter's namespace.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import yaml
from trestle.oscal import OSCAL_VERSION
from trestle.oscal.catalog import Catalog

from app.frameworks import service as frameworks
from app.frameworks.loader import read_framework
from app.frameworks.model import Criterion, Element, Framework, Theme

NS = "https://charter.service.gov.uk/ns/oscal"
_UUIDS = uuid.UUID("6f1c1e2a-6d0b-4b7e-9a51-0c3a7f3c2d10")  # names every uuid an export makes
_PARAM = re.compile(r"\{\{\s*insert:\s*param,\s*([^}\s]+)\s*\}\}")
_NOT_CODE = re.compile(r"[^A-Z0-9]+")
# Top-level framework fields kept whole in one prop (the scale and awards are also said apart).
_THEMES = "themes"


class CatalogInvalid(Exception):
    """The catalog is not one Charter can read; `problems` say where and what."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _prop(name: str, value: Any) -> dict[str, str]:
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return {"name": name, "ns": NS, "value": text}


def _token(code: str) -> str:
    """An OSCAL id (a token starts with a letter) from a Charter code."""
    low = code.lower()
    return low if low[0].isalpha() else f"c{low}"


def _part(kind: str, owner: str, prose: str) -> dict[str, str]:
    return {"id": f"{owner}_{kind}", "name": kind, "prose": prose}


def _element_props(element: Element) -> list[dict[str, str]]:
    props = [_prop("code", element.code), _prop("weight", str(element.weight))]
    if element.mandatory:
        props.append(_prop("mandatory", "true"))
    if element.evidence_required:
        props.append(_prop("evidence-required", "true"))
    props += [_prop("evidence-example", example) for example in element.evidence_examples]
    return props


def _element_parts(element: Element) -> list[dict[str, str]]:
    owner = _token(element.code)
    parts = [_part("statement", owner, element.statement)]
    if element.guidance:
        parts.append(_part("guidance", owner, element.guidance))
    return parts


def _criterion(criterion: Criterion) -> dict[str, Any]:
    first, *others = criterion.elements
    return {
        "id": _token(first.code),
        "title": criterion.title,
        "props": [_prop("criterion", criterion.code), *_element_props(first)],
        "parts": _element_parts(first),
        **(
            {
                "controls": [
                    {
                        "id": _token(e.code),
                        "title": e.code,
                        "props": _element_props(e),
                        "parts": _element_parts(e),
                    }
                    for e in others
                ]
            }
            if others
            else {}
        ),
    }


def _theme(theme: Theme) -> dict[str, Any]:
    group: dict[str, Any] = {
        "id": _token(theme.code),
        "title": theme.title,
        "props": [_prop("code", theme.code), _prop("weight", str(theme.weight))],
        "controls": [_criterion(c) for c in theme.criteria],
    }
    if theme.description:
        group["parts"] = [_part("overview", _token(theme.code), theme.description)]
    return group


def export_catalog(framework: Framework) -> dict[str, Any]:
    """The framework as an OSCAL catalog ({"catalog": ...}), checked by trestle's models."""
    whole = msgspec.to_builtins(framework)
    rest = {k: v for k, v in whole.items() if k != _THEMES}
    modified = framework.effective_from or dt.date(2000, 1, 1)
    catalog = {
        "uuid": str(uuid.uuid5(_UUIDS, f"{framework.slug}/{framework.version}")),
        "metadata": {
            "title": framework.title,
            "last-modified": f"{modified.isoformat()}T00:00:00+00:00",
            "version": framework.version,
            "oscal-version": OSCAL_VERSION,
            "props": [
                _prop("slug", framework.slug),
                _prop("scale", whole["scale"]),
                _prop("awards", whole["awards"]),
                _prop("framework", rest),
            ],
        },
        "groups": [_theme(t) for t in framework.themes],
    }
    model = Catalog.model_validate(catalog)
    return {"catalog": json.loads(model.oscal_serialize_json())["catalog"]}


# --- import -----------------------------------------------------------------------------------


def _props(node: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for prop in getattr(node, "props", None) or []:
        if str(prop.ns or "") == NS:
            found.setdefault(prop.name, []).append(prop.value)
    return found


def _withdrawn(node: Any) -> bool:
    return any(
        p.name == "status" and p.value == "withdrawn" and not p.ns
        for p in getattr(node, "props", None) or []
    )


def _code(token: str) -> str:
    return _NOT_CODE.sub(".", token.upper()).strip(".") or "X"


def _prose(part: Any, labels: dict[str, str]) -> str:
    """A part's prose with its sub-parts' (a statement's items), parameters named."""
    lines = [part.prose] if part.prose else []
    for sub in getattr(part, "parts", None) or []:
        text = _prose(sub, labels)
        if text:
            label = next(
                (p.value for p in getattr(sub, "props", None) or [] if p.name == "label"), ""
            )
            lines.append(f"{label} {text}".strip())
    text = "\n".join(lines)
    return _PARAM.sub(lambda m: f"[{labels.get(m.group(1), 'assignment')}]", text).strip()


def _part_text(control: Any, name: str, labels: dict[str, str]) -> str:
    parts = [p for p in getattr(control, "parts", None) or [] if p.name == name]
    return "\n".join(_prose(p, labels) for p in parts).strip()


def _labels(control: Any) -> dict[str, str]:
    return {p.id: (p.label or p.id) for p in getattr(control, "params", None) or []}


def _element(control: Any, default_code: str) -> dict[str, Any]:
    props, labels = _props(control), _labels(control)
    statement = _part_text(control, "statement", labels) or control.title
    element: dict[str, Any] = {
        "code": (props.get("code") or [default_code])[0],
        "statement": statement,
    }
    guidance = _part_text(control, "guidance", labels)
    if guidance:
        element["guidance"] = guidance
    if props.get("evidence-example"):
        element["evidence_examples"] = props["evidence-example"]
    weight = float((props.get("weight") or ["1"])[0])
    if weight != 1:
        element["weight"] = int(weight) if weight.is_integer() else weight
    if props.get("mandatory") == ["true"]:
        element["mandatory"] = True
    if props.get("evidence-required") == ["true"]:
        element["evidence_required"] = True
    return element


@dataclass
class _Loose:
    """The controls a catalog holds outside any group, read as one theme."""

    controls: list[Any]
    id: str = "general"
    title: str = "General"
    props: None = None
    parts: None = None


def _controls_of(group: Any) -> list[Any]:
    """A group's controls, with those of any groups inside it (Charter has one level)."""
    controls = list(getattr(group, "controls", None) or [])
    for inner in getattr(group, "groups", None) or []:
        controls += _controls_of(inner)
    return controls


def import_catalog(
    data: dict[str, Any], slug: str, version: str, terms: dict[str, Any]
) -> dict[str, Any]:
    """A framework file's content from an OSCAL catalog: groups to themes, controls to criteria,
    each control and each enhancement to an element; `terms` gives scale and awards (and
    optionally certificate). CatalogInvalid when trestle's models refuse the catalog."""
    try:
        catalog = Catalog.model_validate(data.get("catalog", data))
    except Exception as exc:  # pydantic's ValidationError lists every field that is wrong
        errors = getattr(exc, "errors", None)
        if callable(errors):
            raise CatalogInvalid(
                [f"catalog.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors()[:50]]
            ) from exc
        raise CatalogInvalid([str(exc)]) from exc
    meta = _props(catalog.metadata)
    kept: dict[str, Any] = json.loads(meta["framework"][0]) if meta.get("framework") else {}
    framework: dict[str, Any] = {
        "format": 1,
        **{
            k: v
            for k, v in kept.items()
            if k not in ("slug", "version", "scale", "awards", "certificate")
        },
        "slug": slug,
        "version": version,
        "title": kept.get("title") or catalog.metadata.title,
    }
    framework["scale"] = terms["scale"]
    framework["awards"] = terms["awards"]
    if "certificate" in terms:
        framework["certificate"] = terms["certificate"]
    groups: list[Any] = list(catalog.groups or [])
    if catalog.controls:
        groups.append(_Loose(list(catalog.controls)))
    themes = []
    for group in groups:
        props = _props(group)
        criteria = []
        for control in _controls_of(group):
            if _withdrawn(control):
                continue
            code = _code(control.id)
            cprops = _props(control)
            elements = [_element(control, f"{code}.0")]
            enhancements = getattr(control, "controls", None) or []
            elements += [_element(e, _code(e.id)) for e in enhancements if not _withdrawn(e)]
            criteria.append(
                {
                    "code": (cprops.get("criterion") or [code])[0],
                    "title": control.title,
                    "elements": elements,
                }
            )
        if not criteria:
            continue
        theme: dict[str, Any] = {
            "code": (props.get("code") or [_code(group.id or "general")])[0],
            "title": group.title,
        }
        weight = float((props.get("weight") or ["1"])[0])
        if weight != 1:
            theme["weight"] = int(weight) if weight.is_integer() else weight
        overview = [p for p in getattr(group, "parts", None) or [] if p.name == "overview"]
        if overview:
            theme["description"] = _prose(overview[0], {})
        theme["criteria"] = criteria
        themes.append(theme)
    framework["themes"] = themes
    return framework


# --- files ------------------------------------------------------------------------------------

MAX_CATALOG_BYTES = 64 * 1024 * 1024  # NIST's SP 800-53 catalog, the largest published, is ~10 MB


def framework_file_from(catalog_path: Path, slug: str, version: str, terms_path: Path) -> str:
    """The YAML text of a framework file made from an OSCAL catalog file and a YAML file of
    its scale and awards, checked by the loader (FrameworkInvalid) as `validate` would."""
    problems: list[str] = []
    try:
        raw = catalog_path.read_bytes()
        if len(raw) > MAX_CATALOG_BYTES:
            raise CatalogInvalid([f"{catalog_path}: larger than {MAX_CATALOG_BYTES // 2**20} MB"])
        data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise CatalogInvalid([f"{catalog_path}: not a JSON file ({exc})"]) from exc
    try:
        terms = yaml.safe_load(terms_path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogInvalid([f"{terms_path}: not a YAML file ({exc})"]) from exc
    if not isinstance(terms, dict):
        terms = {}
    problems += [f"{terms_path}: needs `{k}`" for k in ("scale", "awards") if k not in terms]
    if not isinstance(data, dict):
        problems.append(f"{catalog_path}: not an OSCAL catalog (a JSON object)")
    if problems:
        raise CatalogInvalid(problems)
    content = import_catalog(data, slug, version, terms)
    text = yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=100)
    read_framework(text.encode("utf-8"), f"{slug}-{version}.yaml")  # raises FrameworkInvalid
    return text


async def catalog_of_version(slug: str, version: str) -> str:
    """A loaded framework version as OSCAL catalog JSON text."""
    row = await frameworks.get_version(slug, version)
    return json.dumps(export_catalog(frameworks.model_of(row)), indent=2, ensure_ascii=False)
