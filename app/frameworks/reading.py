"""Turn a YAML or JSON framework file into plain data, remembering where every value is."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.scanner import NUMBER_RE
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.frameworks.problems import FrameworkInvalid, Problem

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32  # a framework nests about 8 deep; this stops stack-exhausting files early
LARGEST_INT = 2**63 - 1

Path = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# What YAML itself forbids, plus what no framework text needs.
_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass(frozen=True)
class Place:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Document:
    """Plain data as read, and where each part of it came from."""

    path: str
    data: Any = None
    values: dict[Path, Place] = field(default_factory=dict)  # where each value starts
    keys: dict[Path, Place] = field(default_factory=dict)  # where the key naming each value starts
    source: dict[Path, str] = field(default_factory=dict)  # the text of each unquoted scalar
    problems: list[Problem] = field(default_factory=list)
    reported: set[Path] = field(default_factory=set)  # already explained; validation skips them

    def problem(self, place: Place | None, message: str, at: Path | None = None) -> None:
        line, column = (place.line, place.column) if place else (None, None)
        self.problems.append(Problem(self.path, line, column, message))
        if at is not None:
            self.reported.add(at)

    def place(self, at: Path) -> Place | None:
        """Where the value at `at` starts, or failing that its nearest enclosing value."""
        while True:
            if at in self.values:
                return self.values[at]
            if not at:
                return None
            at = at[:-1]

    def key_place(self, at: Path) -> Place | None:
        return self.keys.get(at) or self.place(at)


def read_document(data: bytes, path: str) -> Document:
    """Read a framework file; raises FrameworkInvalid when no data can be read at all."""
    doc = Document(path)
    text = _decode(data, doc)
    if path.lower().endswith(".json"):
        _JsonReader(text, doc).read()
    else:
        _read_yaml(text, doc)
    if not isinstance(doc.data, dict):
        # What was found, never what it says: this may be any file at all (a symlink to
        # /etc/passwd read as one line of text), whose contents are not ours to repeat.
        found = {list: "a list", type(None): "nothing"}.get(type(doc.data), "a single value")
        doc.problem(
            doc.values.get(()),
            "this is not a framework file: the top level must be a mapping of keys such as"
            f" format, slug and title; found {found}",
        )
        raise FrameworkInvalid(doc.problems)
    return doc


def _fail(path: str, message: str, place: Place | None = None) -> FrameworkInvalid:
    line, column = (place.line, place.column) if place else (None, None)
    return FrameworkInvalid([Problem(path, line, column, message)])


def _place_in(text: str, index: int) -> Place:
    line = text.count("\n", 0, index) + 1
    return Place(line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _decode(data: bytes, doc: Document) -> str:
    if len(data) > MAX_BYTES:
        limit = MAX_BYTES // 2**20
        raise _fail(doc.path, f"the file is larger than {limit} MB, the most a framework may be")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(doc.path, "the file is saved as UTF-16; save it as UTF-8 text")
    if b"\x00" in data:
        raise _fail(doc.path, "this is a binary file, not YAML or JSON text")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        place = _place_in(data[: error.start].decode("utf-8"), error.start)
        bad = data[error.start : error.start + 1].hex()
        raise _fail(
            doc.path, f"the file is not UTF-8 text (byte 0x{bad}); save it as UTF-8", place
        ) from None
    if not text.strip():
        raise _fail(doc.path, "the file is empty")
    problems = []
    for match in _UNPRINTABLE.finditer(text):
        place = _place_in(text, match.start())
        code = f"U+{ord(match.group()):04X}"
        message = f"the control character {code} is not allowed in a framework file"
        problems.append(Problem(doc.path, place.line, place.column, message))
        if len(problems) == 20:
            break
    if problems:
        raise FrameworkInvalid(problems)
    return text


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{shorten(value)}'" if value else "empty text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing"


def shorten(text: str, limit: int = 60) -> str:
    text = _SURROGATE.sub("\ufffd", text.replace("\n", " "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def dotted(at: Path) -> str:
    """A path as people write it: themes[0].criteria[1].code."""
    text = ""
    for part in at:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _number_problem(value: Any, at: Path) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"'{dotted(at)}' is not a usable number (it is infinite or not a number)"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > LARGEST_INT:
        return f"'{dotted(at)}' is too large a number"
    return None


def _tag_message(tag: str, at: Path) -> str:
    shown = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
    return f"'{dotted(at)}': the YAML tag {shown} is not allowed; remove it"


def _escape_message(at: Path) -> str:
    return f"'{dotted(at)}' contains a broken \\u escape; type the character itself"


# --- YAML -------------------------------------------------------------------------------------


def _yaml_place(mark: Any) -> Place | None:
    return Place(mark.line + 1, mark.column + 1) if mark is not None else None


def _yaml_error(path: str, error: yaml.YAMLError) -> FrameworkInvalid:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    message = f"not valid YAML: {problem}"
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    if context and context_mark is not None and mark and context_mark.line != mark.line:
        message += f" ({context} at line {context_mark.line + 1})"
    if "another document" in problem:
        message = "a framework file holds one YAML document; remove the second '---' and after it"
    if "cannot start any token" in problem:
        message += "; YAML does not allow tab characters for indentation, use spaces"
    return _fail(path, message, _yaml_place(mark))


def _read_yaml(text: str, doc: Document) -> None:
    try:
        # A first pass over the events (iterative, in C) refuses aliases and absurd nesting
        # before anything could expand them or recurse into them.
        depth = 0
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent | yaml.NodeEvent) and event.anchor is not None:
                sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
                raise _fail(
                    doc.path,
                    f"YAML anchors and aliases ({sign}{event.anchor}) are not allowed; "
                    "write the content out in full",
                    _yaml_place(event.start_mark),
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _fail(
                        doc.path, "the file is nested too deeply", _yaml_place(event.start_mark)
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        raise _yaml_error(doc.path, error) from None
    if node is None:
        raise _fail(doc.path, "the file is empty (it has only comments)")
    doc.data = _YamlWalker(doc).value(node, ())


class _YamlWalker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.constructor = SafeConstructor()

    def value(self, node: Node, at: Path) -> Any:
        place = _yaml_place(node.start_mark)
        assert place is not None
        self.doc.values[at] = place
        if isinstance(node, MappingNode):
            return self.mapping(node, at)
        if isinstance(node, SequenceNode):
            if node.tag != _TAG + "seq":
                self.doc.problem(place, _tag_message(node.tag, at), at)
            return [self.value(item, (*at, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self.scalar(node, at, place)

    def mapping(self, node: MappingNode, at: Path) -> dict[str, Any]:
        doc = self.doc
        if node.tag != _TAG + "map":
            doc.problem(doc.values[at], _tag_message(node.tag, at), at)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_place = _yaml_place(key_node.start_mark)
            if not isinstance(key_node, ScalarNode):
                doc.problem(key_place, "a key must be a plain word, not a list or mapping")
                continue
            if key_node.tag == _TAG + "merge":
                doc.problem(key_place, "YAML merge keys (<<) are not allowed; write the keys out")
                continue
            key = key_node.value
            if _SURROGATE.search(key):
                doc.problem(key_place, "a key contains a broken \\u escape")
                continue
            if key in result:
                first = doc.keys[(*at, key)]
                doc.problem(
                    key_place,
                    f"duplicate key '{shorten(key)}' (first given at line {first.line}, "
                    f"column {first.column})",
                )
                continue
            assert key_place is not None
            doc.keys[(*at, key)] = key_place
            result[key] = self.value(value_node, (*at, key))
        return result

    def scalar(self, node: ScalarNode, at: Path, place: Place) -> Any:
        doc = self.doc
        if node.tag not in _SCALAR_TAGS:
            doc.problem(place, _tag_message(node.tag, at), at)
            return None
        if not node.style:  # plain (unquoted): keep its text for messages
            doc.source[at] = node.value
        try:
            value = self.constructor.construct_object(node)
        except (ValueError, yaml.YAMLError):
            name = dotted(at)
            if node.tag == _TAG + "timestamp":
                message = f"'{name}' is not a real date: '{shorten(node.value)}'"
            else:
                message = f"'{name}' cannot be read as a number: '{shorten(node.value)}'"
            doc.problem(place, message, at)
            return None
        if not node.style and (trouble := _yaml11_number(node.value, value, node.tag, at)):
            doc.problem(place, trouble, at)
            return None
        if isinstance(value, dt.date):  # dates are kept as ISO text, as JSON would have them
            return value.isoformat()
        if isinstance(value, str) and _SURROGATE.search(value):
            doc.problem(place, _escape_message(at), at)
            return None
        if trouble := _number_problem(value, at):
            doc.problem(place, trouble, at)
            return None
        return value


_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_BASE_60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_OTHER_BASE = re.compile(r"[-+]?0[xXbBoO][0-9a-fA-F_]+")


def _yaml11_number(text: str, value: Any, tag: str, at: Path) -> str | None:
    """YAML 1.1 reads some plain numbers in a way no one writing a framework means: 036 as the
    octal 30, 1:30 as 90 (base 60), 0x1F as 31. Each is refused, saying how it was read."""
    if tag not in (_TAG + "int", _TAG + "float"):
        return None
    name = dotted(at)
    if _BASE_60.fullmatch(text):
        how = f"the base-60 number {value}"
    elif _OCTAL.fullmatch(text):
        how = f"the octal number {value}"
    elif _OTHER_BASE.fullmatch(text):
        how = f"the number {value} in another base"
    else:
        return None
    return (
        f"'{name}' is {text}, which YAML reads as {how}; write the number in plain digits"
        " without a leading 0 (or put it in quotes if it is text)"
    )


# --- JSON -------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_LONG_NUMBER = re.compile(r"\d{4000,}")


class _JsonReader:
    """Re-reads text that json.loads accepted, noting where each value starts."""

    def __init__(self, text: str, doc: Document) -> None:
        self.text = text
        self.doc = doc
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def where(self, index: int) -> Place:
        line = bisect.bisect_right(self.line_starts, index)
        return Place(line, index - self.line_starts[line - 1] + 1)

    def read(self) -> None:
        try:
            json.loads(self.text)
        except json.JSONDecodeError as error:
            place = self.where(error.pos)
            raise _fail(self.doc.path, f"not valid JSON: {error.msg}", place) from None
        except RecursionError:
            raise _fail(self.doc.path, "the file is nested too deeply") from None
        except ValueError:
            long = _LONG_NUMBER.search(self.text)
            at = self.where(long.start()) if long else None
            raise _fail(self.doc.path, "a number in the file is too long", at) from None
        self.doc.data, _ = self.value(self.skip(0), ())

    def skip(self, index: int) -> int:
        match = _WHITESPACE.match(self.text, index)
        assert match is not None
        return match.end()

    def value(self, index: int, at: Path) -> tuple[Any, int]:
        text, doc = self.text, self.doc
        place = self.where(index)
        doc.values[at] = place
        if len(at) > MAX_DEPTH:
            raise _fail(doc.path, "the file is nested too deeply", place)
        char = text[index]
        if char == "{":
            return self.mapping(index + 1, at)
        if char == "[":
            items: list[Any] = []
            index = self.skip(index + 1)
            while text[index] != "]":
                item, index = self.value(index, (*at, len(items)))
                items.append(item)
                index = self.skip(index)
                if text[index] == ",":
                    index = self.skip(index + 1)
            return items, index + 1
        if char == '"':
            string, end = scanstring(text, index + 1)
            if _SURROGATE.search(string):
                doc.problem(place, _escape_message(at), at)
                return None, end
            return string, end
        for literal, constant in (("true", True), ("false", False), ("null", None)):
            if text.startswith(literal, index):
                return constant, index + len(literal)
        number = NUMBER_RE.match(text, index)
        if number is None:  # NaN, Infinity or -Infinity, which json.loads lets through
            end = index + (9 if text.startswith("-", index) else 8 if char == "I" else 3)
            doc.problem(place, f"'{dotted(at)}': NaN and Infinity are not usable numbers", at)
            return None, end
        integer, fraction, exponent = number.groups()
        value: int | float = (
            float(integer + (fraction or "") + (exponent or ""))
            if fraction or exponent
            else int(integer)
        )
        doc.source[at] = number.group()
        if message := _number_problem(value, at):
            doc.problem(place, message, at)
            return None, number.end()
        return value, number.end()

    def mapping(self, index: int, at: Path) -> tuple[dict[str, Any], int]:
        text, doc = self.text, self.doc
        result: dict[str, Any] = {}
        index = self.skip(index)
        while text[index] != "}":
            key_place = self.where(index)
            key, index = scanstring(text, index + 1)
            index = self.skip(self.skip(index) + 1)  # the colon
            if key in result:
                first = doc.keys[(*at, key)]
                doc.problem(
                    key_place,
                    f"duplicate key '{shorten(key)}' (first given at line {first.line}, "
                    f"column {first.column})",
                )
                _, index = self.value(index, (*at, f"\0duplicate{index}"))
            else:
                doc.keys[(*at, key)] = key_place
                result[key], index = self.value(index, (*at, key))
            index = self.skip(index)
            if text[index] == ",":
                index = self.skip(index + 1)
        return result, index + 1
