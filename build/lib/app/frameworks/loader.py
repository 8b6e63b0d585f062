"""Load a framework file: read it, report every problem, or give the typed framework and its hash.

`python -m app.frameworks.loader --write-schema` regenerates app/frameworks/schema.json;
`python -m app.frameworks.loader FILE...` checks files and prints each problem.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from app.frameworks.model import Framework
from app.frameworks.problems import FrameworkInvalid, Problem
from app.frameworks.reading import MAX_BYTES, Document, read_document
from app.frameworks.schema import SCHEMA_FILE, write_schema
from app.frameworks.validation import problems_in

__all__ = [
    "FrameworkInvalid",
    "LoadedFramework",
    "Problem",
    "canonical_json",
    "canonical_sha256",
    "load_file",
    "parse_framework",
    "read_framework",
]


class LoadedFramework(NamedTuple):
    framework: Framework
    content: dict[str, Any]  # the data as read, dates as ISO text: what is stored and hashed
    sha256: str  # canonical_sha256(content)


def canonical_json(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_sha256(content: dict[str, Any]) -> str:
    """SHA-256 of the content as sorted JSON: the same for a YAML file and its JSON twin."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def read_framework(data: bytes, path: str) -> LoadedFramework:
    """Parse and check a whole file; raises FrameworkInvalid listing every problem found."""
    doc = read_document(data, path)
    problems = doc.problems + problems_in(doc)
    if problems:
        raise FrameworkInvalid(problems)
    try:
        framework = msgspec.convert(doc.data, Framework)
    except msgspec.ValidationError as error:  # a rule the checks above missed; still say where
        raise FrameworkInvalid([_model_problem(error, doc)]) from None
    return LoadedFramework(framework, doc.data, canonical_sha256(doc.data))


def parse_framework(data: bytes, path: str) -> Framework:
    return read_framework(data, path).framework


def load_file(path: str | Path) -> LoadedFramework:
    name = str(path)
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        problem = Problem(name, None, None, f"cannot read the file: {error.strerror}")
        raise FrameworkInvalid([problem]) from None
    return read_framework(data, name)


def _model_problem(error: msgspec.ValidationError, doc: Document) -> Problem:
    message, _, where = str(error).partition(" - at `$")
    at = tuple(
        int(index) if index else key
        for key, index in re.findall(r"\.(\w+)|\[(\d+)\]", where.rstrip("`"))
    )
    place = doc.place(at)
    line, column = (place.line, place.column) if place else (None, None)
    return Problem(doc.path, line, column, message)


def main(argv: list[str]) -> int:
    if argv == ["--write-schema"]:
        write_schema()
        print(f"wrote {SCHEMA_FILE}")
        return 0
    if not argv or argv[0].startswith("-"):
        print("usage: python -m app.frameworks.loader --write-schema | FILE...", file=sys.stderr)
        return 2
    failed = False
    for name in argv:
        try:
            load_file(name)
        except FrameworkInvalid as invalid:
            failed = True
            print(invalid)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
