"""The documents a person who clones Charter reads: every relative link in the README and in
docs/ leads to a file in the repository, and the framework schema names a document that exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# [text](target) and [text](target "title"); not images' remote sources or bare addresses.
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def relative_links(document: Path) -> list[str]:
    links = LINK.findall(document.read_text(encoding="utf-8"))
    return [link for link in links if not re.match(r"^[a-z][a-z0-9+.-]*:|^#", link)]


def test_the_documents_that_the_readme_names_are_in_the_repository() -> None:
    assert {"framework-format.md", "contract.md"} <= {d.name for d in DOCUMENTS}
    assert "docs/framework-format.md" in relative_links(ROOT / "README.md")
    assert "docs/contract.md" in relative_links(ROOT / "README.md")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves_to_a_file_in_the_repository(document: Path) -> None:
    broken = []
    for link in relative_links(document):
        target = (document.parent / link.split("#", 1)[0]).resolve()
        if not target.is_relative_to(ROOT) or not target.exists():
            broken.append(link)
    assert broken == [], f"{document.name} links to what the repository does not hold: {broken}"


def test_the_link_rule_finds_links_and_leaves_addresses_and_anchors() -> None:
    sample = ROOT / "README.md"
    found = LINK.findall("[a](docs/x.md) [b](https://e.org) [c](#top) [d](<../y.md>)")
    assert found == ["docs/x.md", "https://e.org", "#top", "../y.md"]
    assert sample.exists()


def test_the_framework_schema_names_the_format_document_in_the_repository() -> None:
    schema = json.loads((ROOT / "app" / "frameworks" / "schema.json").read_text())
    named = re.findall(r"docs/[\w.-]+\.md", schema["description"])
    assert named == ["docs/framework-format.md"]
    assert all((ROOT / name).exists() for name in named)
