"""The HTTP edges shared by the evidence API and pages: upload body limits and safe downloads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar.response import Stream

from app.evidence.filenames import content_disposition
from app.settings import Settings

# Room for the other form fields and the multipart framing around each file.
FORM_OVERHEAD_BYTES = 256 * 1024

DOWNLOAD_HEADERS = {
    "x-content-type-options": "nosniff",
    # Opened in the browser by mistake, it can run nothing and reach nothing.
    "content-security-policy": "default-src 'none'; sandbox",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "private, no-store",
}


def settings_of(owner: Any) -> Settings:
    """The Settings of the app a controller is being registered on (owner: the app or a router)."""
    while owner is not None:
        state = getattr(owner, "state", None)
        if state is not None and state.get("settings") is not None:
            return state["settings"]
        owner = getattr(owner, "owner", None)
    raise RuntimeError("evidence routes need app.state.settings (see app.main.create_app)")


def body_limit(settings: Settings, files: int = 1) -> int:
    """The largest request body an upload route reads: `files` files of the largest size allowed,
    and the form around them. Anything bigger is refused (413) before it is read."""
    return files * settings.max_upload_bytes + FORM_OVERHEAD_BYTES


def attachment(item: dict[str, Any], chunks: AsyncIterator[bytes]) -> Stream:
    """The stored bytes as a download, never rendered in place by the browser."""
    return Stream(
        chunks,
        # Litestar adds "; charset=utf-8" to text types itself.
        media_type=item["media_type"].split(";")[0],
        headers={
            **DOWNLOAD_HEADERS,
            "content-disposition": content_disposition(item["filename"]),
            "content-length": str(item["size"]),
        },
    )
