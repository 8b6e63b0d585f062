"""Helpers for the accounts tests: form posts with the CSRF token, and reading pages."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from httpx import ASGITransport, AsyncClient, Response
from litestar import Litestar

from app.accounts.tables import SessionEntry
from tests.factories import PASSWORD, csrf_token


def browser(app: Litestar) -> AsyncClient:
    """Another browser: its own cookie jar."""
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver.local")


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
