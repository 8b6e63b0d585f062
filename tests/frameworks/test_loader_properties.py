"""Property tests: any valid framework round-trips; any damaged file gets located problems, never a
crash."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import msgspec
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.frameworks.loader import FrameworkInvalid, canonical_sha256, read_framework
from app.frameworks.model import Framework

LOCATED = re.compile(r"^.+:\d+:\d+: .+$")
# The only problems that may lack a line and column: they are about the whole file.
WHOLE_FILE = (
    "the file is empty",
    "the file is larger than",
    "this is a binary file",
    "the file is saved as UTF-16",
    "the file is nested too deeply",
    "a number in the file is too long",
)

text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp")),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() and "\ufeff" not in s)
slug = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
weight = st.integers(1, 50) | st.floats(0.01, 100, allow_nan=False, allow_infinity=False)
percent = st.integers(0, 100) | st.floats(0, 100, allow_nan=False, allow_infinity=False)


def optional(draw: st.DrawFn, data: dict[str, Any], key: str, values: st.SearchStrategy) -> None:
    if draw(st.booleans()):
        data[key] = draw(values)


@st.composite
def frameworks(draw: st.DrawFn) -> dict[str, Any]:
    """The plain data of a valid framework file, with dates as date objects."""
    values = sorted(draw(st.sets(st.integers(-5, 20), min_size=2, max_size=5)))
    labels = draw(
        st.lists(text, min_size=len(values), max_size=len(values), unique_by=str.casefold)
    )
    levels = []
    for value, label in zip(values, labels, strict=True):
        level = {"value": value, "label": label}
        optional(draw, level, "description", text)
        levels.append(level)
    scale: dict[str, Any] = {"levels": levels}
    optional(draw, scale, "allow_not_applicable", st.booleans())

    awards = []
    for code in draw(st.lists(slug, max_size=3, unique=True)):
        rules: dict[str, Any] = {}
        optional(draw, rules, "min_overall_percent", percent)
        optional(draw, rules, "min_theme_percent", percent)
        optional(draw, rules, "min_element_score", st.sampled_from(values))
        optional(draw, rules, "min_mandatory_score", st.sampled_from(values))
        below = st.fixed_dictionaries(
            {"score": st.sampled_from(values), "count": st.integers(0, 10)}
        )
        optional(draw, rules, "max_elements_below", below)
        award: dict[str, Any] = {"code": code, "label": draw(text)}
        optional(draw, award, "rules", st.just(rules))
        awards.append(award)

    themes = []
    theme_codes = st.from_regex(r"[A-Z][A-Z0-9]{0,4}", fullmatch=True)
    for theme_code in draw(st.lists(theme_codes, min_size=1, max_size=3, unique=True)):
        criteria = []
        for c in range(1, draw(st.integers(1, 2)) + 1):
            elements = []
            for e in range(1, draw(st.integers(1, 3)) + 1):
                element = {"code": f"{theme_code}.{c}.{e}", "statement": draw(text)}
                optional(draw, element, "guidance", text)
                optional(draw, element, "evidence_examples", st.lists(text, max_size=2))
                optional(draw, element, "weight", weight)
                optional(draw, element, "mandatory", st.booleans())
                optional(draw, element, "evidence_required", st.booleans())
                elements.append(element)
            criteria.append(
                {"code": f"{theme_code}.{c}", "title": draw(text), "elements": elements}
            )
        theme = {"code": theme_code, "title": draw(text), "criteria": criteria}
        optional(draw, theme, "weight", weight)
        optional(draw, theme, "description", text)
        themes.append(theme)

    data: dict[str, Any] = {
        "format": 1,
        "slug": draw(slug),
        "version": draw(st.from_regex(r"[0-9]{4}\.[0-9]{1,2}", fullmatch=True) | text),
        "title": draw(text),
    }
    optional(draw, data, "publisher", text)
    optional(draw, data, "description", text)
    optional(draw, data, "effective_from", st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)))
    terms = st.fixed_dictionaries(
        {}, optional={"validity_months": st.integers(1, 120), "review_months": st.integers(1, 120)}
    )
    optional(draw, data, "certificate", terms)
    data.update(scale=scale, awards=awards, themes=themes)
    return data


def as_json_data(data: dict[str, Any]) -> dict[str, Any]:
    """What the loader keeps: the same data with dates as ISO text."""
    return json.loads(json.dumps(data, default=dt.date.isoformat))


def assert_problems_are_located(error: FrameworkInvalid, path: str, size: int) -> None:
    assert error.problems
    for problem in error.problems:
        printed = str(problem)
        if problem.line is None:
            assert printed == f"{path}: {problem.message}"
            assert problem.message.startswith(WHOLE_FILE), printed
        else:
            assert LOCATED.fullmatch(printed), printed
            assert 1 <= problem.line <= size + 1 and problem.column is not None
            assert problem.column >= 1


def check_damaged(data: bytes, path: str) -> None:
    try:
        read_framework(data, path)
    except FrameworkInvalid as error:
        assert_problems_are_located(error, path, data.count(b"\n") + 1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks())
def test_valid_frameworks_round_trip_through_yaml_and_json(data: dict[str, Any]) -> None:
    expected = as_json_data(data)
    as_yaml = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
    as_json = json.dumps(expected, ensure_ascii=False, indent=1).encode()

    from_yaml = read_framework(as_yaml, "generated.yaml")
    from_json = read_framework(as_json, "generated.json")

    assert from_yaml.content == expected
    assert from_yaml.framework == msgspec.convert(expected, Framework)
    assert from_yaml.sha256 == canonical_sha256(expected)
    assert from_json == from_yaml


def paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*at, index))
    return found


replacements = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    text,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(text, st.integers(), max_size=2),
)


@st.composite
def damaged(draw: st.DrawFn) -> dict[str, Any]:
    """A valid framework with a few keys deleted, renamed or given values of the wrong type."""
    data = as_json_data(draw(frameworks()))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.sampled_from(paths(data)[1:]))
        parent = data
        for part in at[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["delete", "rename", "replace"]))
        if action == "delete" or (action == "rename" and isinstance(parent, list)):
            del parent[at[-1]]
        elif action == "rename":
            parent[draw(text)] = parent.pop(at[-1])
        else:
            parent[at[-1]] = draw(replacements)
    return data


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged(), st.booleans())
def test_damaged_frameworks_get_located_problems_never_a_crash(
    data: dict[str, Any], use_json: bool
) -> None:
    if use_json:
        encoded = json.dumps(data, ensure_ascii=False, indent=2).encode()
        check_damaged(encoded, "damaged.json")
    else:
        check_damaged(yaml.safe_dump(data, allow_unicode=True).encode(), "damaged.yaml")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks(), st.booleans(), st.data())
def test_corrupted_bytes_get_located_problems_never_a_crash(
    data: dict[str, Any], use_json: bool, edits: st.DataObject
) -> None:
    if use_json:
        raw = bytearray(json.dumps(as_json_data(data), indent=2).encode())
    else:
        raw = bytearray(yaml.safe_dump(data, allow_unicode=True).encode())
    for _ in range(edits.draw(st.integers(1, 5))):
        index = edits.draw(st.integers(0, len(raw) - 1))
        action = edits.draw(st.sampled_from(["flip", "delete", "insert"]))
        byte = edits.draw(
            st.sampled_from(b"\x00\t\n :-[]{}&*!|>'\"#%@`\\,?\xff\xc3") | st.integers(0, 255)
        )
        if action == "flip":
            raw[index] = byte
        elif action == "delete":
            del raw[index]
        else:
            raw.insert(index, byte)
    check_damaged(bytes(raw), "corrupted.json" if use_json else "corrupted.yaml")


def test_yaml_loaded_by_pure_python_and_c_parsers_gives_the_same_problems() -> None:
    """The C parser is used where available; the pure-Python fallback must agree."""
    from app.frameworks import reading

    text = (
        b"format: 1\nslug: x\nversion: 1.0\ntitle: t\nscale: {levels: [{value: 1, label: a}]}\n"
        b"awards: [{code: A, label: x, rules: {min_element_score: 9}}]\nthemes: []\nweigth: 1\n"
    )
    results = []
    for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        original, reading._Loader = reading._Loader, loader
        try:
            read_framework(text, "both.yaml")
        except FrameworkInvalid as error:
            results.append([str(p) for p in error.problems])
        finally:
            reading._Loader = original
    assert results[0] == results[1]
    assert len(results[0]) == 6
