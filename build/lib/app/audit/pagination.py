"""Parameters for GOV.UK's pagination component, for any list shown a page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def pagination(
    page: int, per_page: int, total: int, path: str, params: Mapping[str, str], window: int = 2
) -> dict[str, object] | None:
    """govukPagination's params (None when everything fits on one page). `params` are the other
    query parameters (filters) that every page link keeps."""
    pages = page_count(total, per_page)
    if pages <= 1:
        return None
    page = min(max(page, 1), pages)
    kept = {k: v for k, v in params.items() if v}

    def href(number: int) -> str:
        return f"{path}?{urlencode({**kept, 'page': number})}"

    items: list[dict[str, object]] = []
    for number in range(1, pages + 1):
        if number in (1, pages) or abs(number - page) <= window:
            items.append({"number": number, "href": href(number), "current": number == page})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    result: dict[str, object] = {"items": items}
    if page > 1:
        result["previous"] = {"href": href(page - 1)}
    if page < pages:
        result["next"] = {"href": href(page + 1)}
    return result
