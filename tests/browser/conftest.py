"""Real headless Chromium (Debian's, driven by Playwright) against the app served by uvicorn in a
subprocess on a free local port, sharing the test run's database."""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.app_process import serving

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# The live server writes the name of every template it renders here (CHARTER_TEMPLATE_LOG), so
# that test_zz_every_page_template_visited.py can name the pages no browser test reached.
TEMPLATE_LOG = "templates-rendered.txt"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(run_dir: Path) -> Iterator[str]:
    """The base URL of a running Charter, sharing the run's database and secret key."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    url = f"http://127.0.0.1:{port}"
    # Litestar matches the Host header with its port; the CSRF origin check uses the bare host.
    env = {
        **os.environ,
        "CHARTER_BASE_URL": url,
        "CHARTER_ALLOWED_HOSTS": f"127.0.0.1:{port},127.0.0.1",
        "CHARTER_TEMPLATE_LOG": str(run_dir / TEMPLATE_LOG),
    }
    with serving(command, url, env, ROOT):
        yield url


@pytest.fixture(scope="session")
async def browser(live_server: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        await chromium.close()


async def new_context(
    browser: Browser, live_server: str, javascript: bool = True
) -> BrowserContext:
    return await browser.new_context(base_url=live_server, java_script_enabled=javascript)


async def sign_in(context: BrowserContext, user: dict[str, Any], password: str) -> None:
    """Sign in through the API: the session cookie lands in the browser context's cookie jar."""
    response = await context.request.post(
        "/api/v1/auth/login", data={"email": user["email"], "password": password}
    )
    assert response.ok, await response.text()


def _known_govuk_exception(rule: str, node: dict[str, Any]) -> bool:
    """GOV.UK Frontend's conditional reveal puts aria-expanded on the radio or checkbox that
    reveals it: not allowed by ARIA 1.2, so axe flags it, but kept by GOV.UK on purpose after
    research with screen reader users (alphagov/govuk-frontend#979, a documented known issue).
    Only that attribute on such an input is let through; anything else about it still fails."""
    html = node.get("html", "")
    messages = [
        m["message"] for m in node.get("all", []) + node.get("any", []) + node.get("none", [])
    ]
    return (
        rule == "aria-allowed-attr"
        and 'aria-controls="conditional-' in html
        and ("govuk-radios__input" in html or "govuk-checkboxes__input" in html)
        and all("aria-expanded" in m for m in messages)
    )


async def accessibility_problems(page: Page) -> str:
    """axe-core's report of the WCAG 2.2 A and AA violations on the page as it is now, or ""."""
    results = await Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    violations = []
    for violation in results.response["violations"]:
        nodes = [n for n in violation["nodes"] if not _known_govuk_exception(violation["id"], n)]
        if nodes:
            violations.append({**violation, "nodes": nodes})
    results.response["violations"] = violations
    return results.generate_report() if results.violations_count else ""


async def accessibility_problems_without_javascript(page: Page) -> str:
    """The same check of a page opened with JavaScript off: axe-core cannot run there (Playwright's
    evaluate never returns), so the page as that browser has it, its scripts removed, is checked
    in a page of the same site with JavaScript on."""
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", await page.content(), flags=re.S | re.I)
    parts = urlsplit(page.url)
    browser = page.context.browser
    assert browser is not None
    context = await browser.new_context()
    try:
        checker = await context.new_page()
        await checker.goto(f"{parts.scheme}://{parts.netloc}/healthz")
        await checker.set_content(html)
        return await accessibility_problems(checker)
    finally:
        await context.close()


async def assert_accessible_without_javascript(page: Page) -> None:
    problems = await accessibility_problems_without_javascript(page)
    assert not problems, f"{page.url} (without JavaScript)\n{problems}"


async def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.2 A or AA violation on the page as it is now."""
    problems = await accessibility_problems(page)
    assert not problems, f"{page.url}\n{problems}"
