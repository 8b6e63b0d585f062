"""Every page template is visited by a browser test (and so checked by axe-core there): the live
server logs each template it renders (CHARTER_TEMPLATE_LOG, app/templating.py), and this test,
which runs after the other browser tests (the zz), names each page template nobody rendered.

A page template is a file under an app/*/templates folder that extends "base.html" and whose
name does not start with "_" (partials, macros, and the PDF documents, which do not extend the
page layout, are not pages)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from app.templating import template_dirs
from tests.browser.conftest import TEMPLATE_LOG

pytestmark = pytest.mark.browser

BROWSER_TESTS = Path(__file__).parent
EXTENDS_BASE = re.compile(r"""{%-?\s*extends\s+["']base\.html["']""")

# Pages that only a fault of the machine produces, which no browser test provokes: a server
# fault (500), a full disk (507, tested over HTTP in tests/evidence/test_full_disk.py) and the
# renderer's per-person limit (429, tested against a real server in
# tests/hostile/test_renderer_load.py). Every other page template must be visited; add none here
# without saying why.
NOT_YET_VISITED: dict[str, str] = {
    # Error pages that only a fault provokes (test_error_pages.py provokes the others).
    "errors/429.html": "three reports rendering at once for one person",
    "errors/500.html": "a server fault",
    "errors/507.html": "the evidence disk full",
}


def page_templates() -> set[str]:
    found = set()
    for folder in template_dirs():
        for path in folder.rglob("*.html"):
            if not path.name.startswith("_") and EXTENDS_BASE.search(path.read_text()):
                found.add(path.relative_to(folder).as_posix())
    return found


def missing(pages: set[str], rendered: set[str]) -> set[str]:
    """Page templates neither rendered nor listed as not visited yet: each fails the test."""
    return pages - rendered - set(NOT_YET_VISITED)


def test_a_template_neither_visited_nor_listed_fails() -> None:
    assert missing({"web/home.html", "errors/500.html"}, set()) == {"web/home.html"}
    assert missing({"web/home.html", "errors/500.html"}, {"web/home.html"}) == set()


def test_page_templates_are_found_by_the_rule() -> None:
    pages = page_templates()
    assert {"web/home.html", "league_tables/show.html", "errors/404.html"} <= pages
    assert not {n for n in pages if n.rsplit("/", 1)[-1].startswith("_")}
    assert "league_tables/table_pdf.html" not in pages  # a PDF document, not a page
    assert set(NOT_YET_VISITED) <= pages, set(NOT_YET_VISITED) - pages


def test_every_page_template_is_visited_by_a_browser_test(
    request: pytest.FixtureRequest, run_dir: Path
) -> None:
    ran = {Path(str(item.path)).name for item in request.session.items}
    modules = {p.name for p in BROWSER_TESTS.glob("test_*.py")}
    if not modules <= ran:
        pytest.skip("run the whole of tests/browser to learn which pages its tests visit")
    log = run_dir / TEMPLATE_LOG
    rendered = set(log.read_text().split()) if log.exists() else set()
    unvisited = page_templates() - rendered
    assert not missing(page_templates(), rendered), (
        "No browser test visits these page templates (or NOT_YET_VISITED lists them): "
        + ", ".join(sorted(missing(page_templates(), rendered)))
    )
    visited_now = set(NOT_YET_VISITED) - unvisited
    if visited_now:
        warnings.warn(
            "Visited now, take off NOT_YET_VISITED: " + ", ".join(sorted(visited_now)),
            stacklevel=1,
        )
