"""Every kind of page each demo role can reach by following links, in Chromium: none is wider than
the window at 1280 px or at 375 px (a wide table scrolls in its own box), and axe-core finds no
WCAG 2.2 A or AA violation on it, with JavaScript and without."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.async_api import Browser, BrowserContext, Error

from app import db
from app.demo.service import fill
from app.demo.story import DEMO_PASSWORD
from app.piccolo_app import TABLES
from app.settings import Settings
from tests.browser.conftest import (
    accessibility_problems,
    accessibility_problems_without_javascript,
    new_context,
)

pytestmark = pytest.mark.browser

WIDTHS = (1280, 375)
# Signed out first, then a person of every role (the demo's accounts, README "Who to sign in as").
PEOPLE = (
    None,
    "admin@standards.example",
    "publisher@standards.example",
    "lead.assessor@standards.example",
    "assessor@standards.example",
    "assessor2@standards.example",
    "lead@rural-services.example",
    "contributor@rural-services.example",
    "lead@eastmarsh-dc.example",
    "lead@northshire-cc.example",
)
PAGES_PER_PERSON = 40
# Not pages: downloads, the JSON API and the static files; sign-out is a form, never a link.
NOT_PAGES = re.compile(r"^/(api|assets|schema/openapi)|\.(pdf|csv|ods|json|xlsx|yaml)$|/file$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# The segment after one of these names one thing (a slug, an email, a version).
NAMING = {"organisations", "frameworks", "users"}


def kind_of_page(url: str) -> tuple[str, ...]:
    """A page's path with its ids, codes and slugs blanked, and its query's keys: one visit to
    each kind is enough (an assessment page is laid out alike for every assessment)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    shape = [
        "*"
        if UUID.match(s) or any(c.isdigit() for c in s) or (i and segments[i - 1] in NAMING)
        else s
        for i, s in enumerate(segments)
    ]
    keys = sorted({k for k, _ in parse_qsl(parts.query)} - {"page"})
    return (*shape, "?", *keys)


@dataclass
class Findings:
    overflows: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    visited: int = 0


@pytest.fixture(autouse=True)
async def empty_tables(database: None) -> AsyncIterator[None]:
    """Overrides the root fixture: the demo stays loaded for both tests here."""
    yield


@pytest.fixture(scope="module")
async def demo(database: None, live_server: str) -> AsyncIterator[None]:
    await fill(Settings.from_env())
    yield
    if db.is_postgres():
        names = ", ".join(t._meta.tablename for t in TABLES)
        await db.engine().run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    else:
        for table in reversed(TABLES):
            await table.delete(force=True)


async def links_on(context: BrowserContext, live_server: str) -> list[str]:
    page = context.pages[0]
    hrefs: list[str] = await page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(a => a.href)"
    )
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if href.startswith(live_server) and not NOT_PAGES.search(parts.path):
            found.append(parts._replace(fragment="").geturl())
    return found


async def crawl(
    browser: Browser,
    live_server: str,
    email: str | None,
    javascript: bool,
    seen: set,
    out: Findings,
) -> None:
    """From the home page, each kind of page this person reaches by links (PAGES_PER_PERSON at
    most); those not checked for an earlier person are measured and checked."""
    context = await new_context(browser, live_server, javascript=javascript)
    try:
        if email:
            response = await context.request.post(
                "/api/v1/auth/login", data={"email": email, "password": DEMO_PASSWORD}
            )
            assert response.ok, await response.text()
        page = await context.new_page()
        queue, queued = [f"{live_server}/"], {f"{live_server}/"}
        visits, kinds_here = 0, set()
        while queue and visits < PAGES_PER_PERSON:
            url = queue.pop(0)
            try:
                answer = await page.goto(url)
            except Error:  # a link that downloads a file
                continue
            visits += 1
            kind = kind_of_page(page.url)
            if kind in kinds_here:
                continue
            kinds_here.add(kind)
            who = email or "signed out"
            if answer is not None and answer.ok and kind not in seen:
                seen.add(kind)
                out.visited += 1
                for width in WIDTHS:
                    await page.set_viewport_size({"width": width, "height": 900})
                    wide = await page.evaluate(
                        "[document.documentElement.scrollWidth, window.innerWidth]"
                    )
                    if wide[0] > wide[1]:
                        out.overflows.append(f"{page.url} ({who}): {wide[0]} px at {width} px")
                await page.set_viewport_size({"width": 1280, "height": 900})
                problems = await (
                    accessibility_problems(page)
                    if javascript
                    else accessibility_problems_without_javascript(page)
                )
                if problems:
                    out.violations.append(f"{page.url} ({who}):\n{problems}")
            for link in await links_on(context, live_server):
                if link not in queued and kind_of_page(link) not in kinds_here:
                    queued.add(link)
                    queue.append(link)
    finally:
        await context.close()


async def check_every_role(browser: Browser, live_server: str, javascript: bool) -> Findings:
    findings, seen = Findings(), set()
    for email in PEOPLE:
        await crawl(browser, live_server, email, javascript, seen, findings)
    return findings


async def test_no_page_is_wider_than_the_window_or_fails_axe(
    demo: None, browser: Browser, live_server: str
) -> None:
    findings = await check_every_role(browser, live_server, javascript=True)
    assert findings.visited > 30
    assert findings.overflows == [], "\n".join(findings.overflows)
    assert findings.violations == [], "\n\n".join(findings.violations)


async def test_without_javascript_too(demo: None, browser: Browser, live_server: str) -> None:
    findings = await check_every_role(browser, live_server, javascript=False)
    assert findings.visited > 30
    assert findings.overflows == [], "\n".join(findings.overflows)
    assert findings.violations == [], "\n\n".join(findings.violations)
