"""Helpers for the accounts tests: the real command, form posts with the CSRF token, reading pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from httpx import AsyncClient, Response

from app.accounts.tables import SessionEntry
from tests.factories import PASSWORD, csrf_token

ROOT = Path(__file__).resolve().parents[2]


def charter(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The real `charter` command in its own process, against the test database."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        input=stdin,
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def post_form(client: AsyncClient, path: str, data: dict[str, Any] | None = None) -> Response:
    """POST a form as a browser would after loading the page: with the double-submit token."""
    token = await csrf_token(client)
    return await client.post(path, data={**(data or {}), "_csrf_token": token})


async def sign_in_with_form(
    client: AsyncClient, email: str, password: str = PASSWORD, next: str = ""
) -> Response:
    data = {"email": email, "password": password}
    if next:
        data["next"] = next
    return await post_form(client, "/sign-in", data)


def page(response: Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def error_summary(response: Response) -> list[str]:
    summary = page(response).select(".govuk-error-summary__list a")
    return [a.get_text(strip=True) for a in summary]


def heading(response: Response) -> str:
    h1 = page(response).find("h1")
    return h1.get_text(" ", strip=True) if h1 else ""


async def stored_session_count() -> int:
    return await SessionEntry.count()
