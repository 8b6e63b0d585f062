"""Each demo role's pages, reached by following links from the dashboard: none shows markup as
text (HTML escaped twice) or a Python `None`, and no link leads to an error."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.demo.support import signed_in

PEOPLE = [
    "admin@standards.example",
    "publisher@standards.example",
    "lead.assessor@standards.example",
    "assessor@standards.example",  # a returned assessment, moderated
    "assessor2@standards.example",  # a resubmission: the page says why it was returned
    "lead@rural-services.example",
    "contributor@rural-services.example",
    "lead@eastmarsh-dc.example",  # returned for more evidence
]
MAX_PAGES = 250
# Pages of one kind (the same path but for ids and codes) visited, beyond every link on the
# dashboard (each a piece of the person's own work, in its own state).
PER_SHAPE = 2
ELEMENTS = ("h1", "h2", "h3", "p", "code", "div", "span", "a", "strong", "ul", "li", "br", "table")
ESCAPED_MARKUP = re.compile(r"&lt;/?(?:" + "|".join(ELEMENTS) + r")[\s&/]")
# Python's None printed; a narrative saying "None of the ..." is not.
PRINTED_NONE = re.compile(r"\bNone\b(?! of\b)")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CODE = re.compile(r"/[A-Z][A-Z0-9]*(?:\.[0-9A-Za-z]+)+")


def shape(path: str) -> str:
    """The kind of page: its path with ids and element codes blanked, and its query's names."""
    parts = urlsplit(path)
    general = CODE.sub("/CODE", UUID.sub("ID", parts.path))
    names = sorted(p.split("=")[0] for p in parts.query.split("&") if p)
    return general + "?" + "&".join(names)


def followed(page: str, href: str) -> str | None:
    """The same-site page a link leads to, or None for a file, an asset or another site."""
    target = urlsplit(urljoin(page, href))
    if target.scheme not in ("", "http") or target.netloc not in ("", "testserver.local"):
        return None
    path = target.path
    if path.startswith(("/assets/", "/api/", "/sign-out")) or path.endswith(
        ("/download", ".pdf", ".csv", ".ods", ".json", ".yaml")
    ):
        return None
    return path + (f"?{target.query}" if target.query else "")


def problems_on(path: str, html: str) -> list[str]:
    found = [f"{path}: markup shown as text: {m.group(0)}" for m in ESCAPED_MARKUP.finditer(html)]
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    text = soup.get_text(" ", strip=True)
    for m in PRINTED_NONE.finditer(text):
        found.append(f"{path}: 'None' printed: …{text[max(0, m.start() - 50) : m.end() + 20]}…")
    return found


@pytest.mark.parametrize("email", PEOPLE)
async def test_no_page_a_role_reaches_shows_markup_or_none(app, demo, email: str) -> None:
    problems: list[str] = []
    async with signed_in(app, email) as client:
        seen, shapes = {"/"}, {shape("/"): 1}
        queue = deque([("/", 0)])
        visited = 0
        while queue and visited < MAX_PAGES:
            path, depth = queue.popleft()
            response = await client.get(path, follow_redirects=True)
            visited += 1
            if response.status_code >= 400:
                problems.append(f"{path}: answered {response.status_code}")
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            problems += problems_on(path, response.text)
            page = str(response.url.path)
            for link in BeautifulSoup(response.text, "html.parser").find_all("a", href=True):
                target = None if link.has_attr("download") else followed(page, link["href"])
                if target is None or target in seen:
                    continue
                seen.add(target)
                kind = shape(target)
                if depth == 0 or shapes.get(kind, 0) < PER_SHAPE:
                    shapes[kind] = shapes.get(kind, 0) + 1
                    queue.append((target, depth + 1))
    assert visited > 5, f"{email} reached only {visited} pages"
    assert not problems, "\n".join(problems)


def test_the_checks_see_escaped_markup_and_a_printed_none() -> None:
    assert problems_on("/x", "<p>&lt;h2 class=&quot;govuk-heading-s&quot;&gt;Last returned</p>")
    assert problems_on("/x", "<dl><dt>Organisation</dt><dd>None</dd></dl>")
    assert problems_on("/x", "<p>Evidence: None</p>")
    assert not problems_on("/x", "<p><code>Authorization: Bearer &lt;token&gt;</code></p>")
    assert not problems_on("/x", "<p>None of the answers changed.</p><p>No evidence linked</p>")
    assert shape("/assessments/0b5e8a9e-1c2d-4e5f-8a9b-0c1d2e3f4a5b/elements/LEAD.1.2?x=1") == (
        "/assessments/ID/elements/CODE?x"
    )
