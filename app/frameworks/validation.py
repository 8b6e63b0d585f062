"""Every problem with a framework file's data, in words a non-programmer can act on."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterator
from typing import Any, TypeGuard

import jsonschema
from jsonschema import Draft202012Validator

from app.frameworks.problems import Problem
from app.frameworks.reading import Document, Path, Place, dotted, shorten
from app.frameworks.schema import DATE_PATTERN, _generated

_SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_CODE_PATTERN = r"^[A-Z0-9]+(\.[A-Z0-9]+)*$"
_EXPECTED = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys and values",
    "null": "empty",
}
_COUNTS = {1: "one entry", 2: "two entries"}
# Where a theme, criterion, element or award sits; named by its code in messages.
_NAMED = (
    (("themes", int, "criteria", int, "elements", int), "element"),
    (("themes", int, "criteria", int), "criterion"),
    (("themes", int), "theme"),
    (("awards", int), "award"),
)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


@functools.cache
def _validator() -> Draft202012Validator:
    # 3.0 is not a whole number here: the model (msgspec) would refuse it too.
    checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", lambda _, v: _is_int(v))
    cls = jsonschema.validators.extend(Draft202012Validator, type_checker=checker)
    return cls(_generated())


def problems_in(doc: Document) -> list[Problem]:
    """Schema and cross-reference problems in data read from a framework file."""
    keys = _validator().schema["properties"]
    if isinstance(doc.data, dict) and not any(key in keys for key in doc.data):
        # Some other file: its keys and values are not ours to repeat (nor worth reporting).
        message = (
            "this is not a framework file: it has none of the keys a framework has"
            f" ({', '.join(list(keys)[:4])}, ...)"
        )
        return [Problem(doc.path, 1, 1, message)]
    words = _Words(doc)
    found: list[tuple[Place | None, str]] = []
    for error in _validator().iter_errors(doc.data):
        at: Path = tuple(error.absolute_path)
        if any(at[:size] in doc.reported for size in range(len(at) + 1)):
            continue
        found.extend(_schema_problems(error, at, doc, words))
    found.extend(_cross_checks(doc, words))
    return [
        Problem(doc.path, p.line if p else None, p.column if p else None, message)
        for p, message in found
    ]


class _Words:
    """Names places in the data as people know them: 'element LEAD.1.1', 'scale.levels[2]'."""

    def __init__(self, doc: Document) -> None:
        self.data = doc.data

    def lookup(self, at: Path) -> Any:
        value = self.data
        for part in at:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def where(self, at: Path) -> str:
        """A phrase for the mapping at `at`; empty for the top level."""
        for pattern, noun in _NAMED:
            size = len(pattern)
            head = at[:size]
            if len(head) == size and all(
                (p is int and _is_int(h)) or p == h for p, h in zip(pattern, head, strict=True)
            ):
                item = self.lookup(head)
                code = item.get("code") if isinstance(item, dict) else None
                named = f"{noun} {code}" if isinstance(code, str) and _plain(code) else dotted(head)
                rest = dotted(at[size:])
                return f"{named}, {rest}" if rest else named
        return dotted(at)

    def field(self, at: Path) -> tuple[str, str]:
        """(phrase for the enclosing mapping, name of the value) for the value at `at`."""
        cut = max((i for i, part in enumerate(at) if isinstance(part, str)), default=0)
        return self.where(at[:cut]), dotted(at[cut:])

    def about(self, at: Path, predicate: str) -> str:
        where, name = self.field(at)
        return f"{where}: '{name}' {predicate}" if where else f"'{name}' {predicate}"


def _plain(code: str) -> bool:
    return 0 < len(code) <= 64 and code.isprintable() and not any(c.isspace() for c in code)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{shorten(value)}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "empty"


def _schema_problems(
    error: jsonschema.ValidationError, at: Path, doc: Document, words: _Words
) -> Iterator[tuple[Place | None, str]]:
    keyword, expected, value = error.validator, error.validator_value, error.instance
    place = doc.place(at)
    if keyword == "required":
        where = words.where(at)
        for key in expected:
            if key not in value:
                yield place, (f"{where}: '{key}' is required" if where else f"'{key}' is required")
    elif keyword == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        where = f"in {words.where(at)}" if at else "at the top level"
        for key in value:
            if key not in allowed:
                yield doc.key_place((*at, key)), _unknown_key(key, where, allowed)
    elif keyword == "type":
        yield place, _type_message(at, value, expected, doc, words)
    elif keyword == "pattern":
        yield place, words.about(at, _pattern_message(expected, value))
    elif keyword == "minLength":
        yield place, words.about(at, "must not be empty")
    elif keyword == "maxLength":
        yield (
            place,
            words.about(at, f"must be at most {expected} characters long; it has {len(value)}"),
        )
    elif keyword == "minItems":
        yield place, words.about(at, f"needs at least {_COUNTS.get(expected, expected)}")
    elif keyword == "minimum":
        yield place, words.about(at, f"must be at least {expected}, not {value}")
    elif keyword == "maximum":
        yield place, words.about(at, f"must be at most {expected}, not {value}")
    elif keyword == "exclusiveMinimum":
        yield place, words.about(at, f"must be more than {expected}, not {value}")
    elif keyword == "const" and at == ("format",):
        yield place, f"'format' must be 1 (this is format version 1), not {shorten(str(value))}"
    else:
        yield place, words.about(at, error.message)


def _unknown_key(key: str, where: str, allowed: list[str]) -> str:
    shown = shorten(key, 40)
    close = difflib.get_close_matches(key.lower(), allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key '{shown}' {where}; did you mean '{close[0]}'?"
    return f"unknown key '{shown}' {where}; the keys allowed here are {', '.join(allowed)}"


def _type_message(at: Path, value: Any, expected: Any, doc: Document, words: _Words) -> str:
    source = doc.source.get(at)
    if at == ("version",) and isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f"'version' must be text in quotes, such as version: \"{source or value}\"; "
            f"without quotes it is read as the number {value}"
        )
    if value is None:
        return words.about(at, "is empty; give it a value or leave the key out")
    wanted = expected if isinstance(expected, str) else expected[0]
    if at == ("effective_from",):
        return words.about(at, f"must be a date such as 2026-04-01, not {_shown(value)}")
    message = f"must be {_EXPECTED.get(wanted, wanted)}, not {_shown(value)}"
    if wanted == "string" and isinstance(value, bool | int | float):
        read_as = f"'{source}'" if source else "it"
        message += f"; put {read_as} in quotes so it is read as text"
    return words.about(at, message)


def _pattern_message(pattern: str, value: str) -> str:
    shown = shorten(value)
    if pattern == _SLUG_PATTERN:
        return (
            "must be lower-case letters and digits, with single hyphens between words "
            f"(such as 'customer-service'); '{shown}' is not"
        )
    if pattern == _CODE_PATTERN:
        return (
            "must be capital letters and digits, with dots between parts "
            f"(such as 'LEAD.1.2'); '{shown}' is not"
        )
    if pattern == DATE_PATTERN:
        return f"must be a date written as YYYY-MM-DD, such as 2026-04-01; '{shown}' is not"
    return f"must match {pattern}; '{shown}' does not"


# --- checks across the file --------------------------------------------------------------------

Found = Iterator[tuple[Place | None, str]]


def _cross_checks(doc: Document, words: _Words) -> Found:
    yield from _check_date(doc)
    yield from _check_identifiers(doc, words)
    yield from _check_codes(doc, words)
    yield from _check_scale(doc)
    yield from _check_awards(doc, words)
    yield from _check_review_sample(doc, words)


def _items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _seen_at(place: Place | None) -> str:
    return f"line {place.line}, column {place.column}" if place else "another place"


def _check_date(doc: Document) -> Found:
    value = doc.data.get("effective_from")
    if not isinstance(value, str) or not re.fullmatch(DATE_PATTERN.strip("^$"), value):
        return  # the schema reports wrong types and shapes
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        yield doc.place(("effective_from",)), f"'effective_from' is not a real date: '{value}'"


def _identifiers(data: dict[str, Any]) -> Iterator[Path]:
    yield ("slug",)
    for a, _ in _items(data.get("awards")):
        yield ("awards", a, "code")
    for t, theme in _items(data.get("themes")):
        yield ("themes", t, "code")
        for c, criterion in _items(theme.get("criteria")):
            yield ("themes", t, "criteria", c, "code")
            for e, _ in _items(criterion.get("elements")):
                yield ("themes", t, "criteria", c, "elements", e, "code")


def _check_identifiers(doc: Document, words: _Words) -> Found:
    # The schema's patterns end in `$`, which also matches before a final line break.
    for at in _identifiers(doc.data):
        value = words.lookup(at)
        if isinstance(value, str) and value.endswith("\n"):
            yield doc.place(at), words.about(at, "must be on one line, with no line break")


def _check_codes(doc: Document, words: _Words) -> Found:
    nouns = {3: "theme", 5: "criterion", 7: "element"}
    seen: dict[str, Path] = {}
    for at in _identifiers(doc.data):
        code = words.lookup(at)
        if at[0] != "themes" or not isinstance(code, str):
            continue
        if code not in seen:
            seen[code] = at
            continue
        first = seen[code]
        yield (
            doc.place(at),
            (
                f"the code '{shorten(code)}' is used twice; it is already the code of the "
                f"{nouns[len(first)]} at {_seen_at(doc.place(first))}"
            ),
        )


def _check_scale(doc: Document) -> Found:
    scale = doc.data.get("scale")
    levels = _items(scale.get("levels")) if isinstance(scale, dict) else iter(())
    previous: int | None = None
    labels: dict[str, Path] = {}
    for i, level in levels:
        value, label = level.get("value"), level.get("label")
        at: Path = ("scale", "levels", i)
        if _is_int(value):
            if previous is not None and value <= previous:
                yield (
                    doc.place((*at, "value")),
                    (
                        "scale values must increase from each level to the next; "
                        f"{value} comes after {previous}"
                    ),
                )
            previous = value
        if isinstance(label, str):
            key = label.strip().casefold()
            if key in labels:
                yield (
                    doc.place((*at, "label")),
                    (
                        f"the scale label '{shorten(label)}' is used twice; it is also the "
                        f"label at {_seen_at(doc.place(labels[key]))}"
                    ),
                )
            else:
                labels[key] = (*at, "label")


def _scale_values(data: dict[str, Any]) -> list[int] | None:
    """The scale's values, or None when the scale is itself broken (and reported)."""
    scale = data.get("scale")
    levels = scale.get("levels") if isinstance(scale, dict) else None
    if not isinstance(levels, list):
        return None
    values = [level.get("value") if isinstance(level, dict) else None for level in levels]
    whole = [v for v in values if _is_int(v)]
    return whole if len(whole) == len(values) and whole == sorted(set(whole)) else None


def _check_awards(doc: Document, words: _Words) -> Found:
    values = _scale_values(doc.data)
    codes: dict[str, Path] = {}
    for i, award in _items(doc.data.get("awards")):
        code = award.get("code")
        if isinstance(code, str):
            if code in codes:
                yield (
                    doc.place(("awards", i, "code")),
                    (
                        f"the award code '{shorten(code)}' is used twice; it is also the code "
                        f"of the award at {_seen_at(doc.place(codes[code]))}"
                    ),
                )
            else:
                codes[code] = ("awards", i, "code")
        if values is None:
            continue
        for rule in ("min_element_score", "min_mandatory_score", "max_elements_below.score"):
            at: Path = ("awards", i, "rules", *rule.split("."))
            score = words.lookup(at)
            if _is_int(score) and score not in values:
                on_scale = ", ".join(str(v) for v in values)
                yield (
                    doc.place(at),
                    words.about(at, f"is {score}, which is not a value on the scale ({on_scale})"),
                )


def _check_review_sample(doc: Document, words: _Words) -> Found:
    """certificate.review_sample.below_score is a value on the scale, as award scores are."""
    values = _scale_values(doc.data)
    at: Path = ("certificate", "review_sample", "below_score")
    score = words.lookup(at)
    if values is not None and _is_int(score) and score not in values:
        on_scale = ", ".join(str(v) for v in values)
        yield (
            doc.place(at),
            words.about(at, f"is {score}, which is not a value on the scale ({on_scale})"),
        )
