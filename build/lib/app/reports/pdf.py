"""PDF rendering with WeasyPrint, off the event loop: a small process pool, a timeout, no network.

WeasyPrint holds the GIL and is CPU-bound, so a render on the event loop would stall every other
request; renders run in worker processes instead, each reusing one FontConfiguration. The URL
fetcher serves only the project's own files, so nothing in a document can reach the network or
read the disk outside them.
"""

from __future__ import annotations

import asyncio
import atexit
import mimetypes
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from app.errors import DomainError

APP_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = APP_DIR / "web" / "static"
REPORT_ASSETS = Path(__file__).resolve().parent / "assets"

RENDER_TIMEOUT_SECONDS = 60.0
MAX_WORKERS = max(1, min(2, os.cpu_count() or 1))
# PDF/UA-1: tagged, with a title and language, so screen readers can read it.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}

T = TypeVar("T")


class RenderFailed(DomainError):
    """A document could not be rendered in time (or a worker died); nothing was stored."""

    status_code = 503


def harfbuzz_subsetting_available() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz rather than its slow fontTools fallback.

    WeasyPrint 70 (weasyprint/pdf/fonts.py) uses HarfBuzz only when libharfbuzz-subset loaded
    (`text.ffi.harfbuzz_subset` is not None) and HarfBuzz is at least 4.1.0.
    """
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def static_only_fetcher(*asset_dirs: Path) -> Any:
    """A WeasyPrint URL fetcher serving `data:` URLs and files under STATIC_DIR and `asset_dirs`."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = tuple(p.resolve() for p in (STATIC_DIR, *asset_dirs))

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)  # decoded in memory; never the network
            if scheme != "file":
                raise ValueError(f"Refused to fetch {url}: documents may not use the network")
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise ValueError(f"Refused to fetch {url}: not a local file")
            path = Path(unquote(parts.path)).resolve()
            if not _inside(path, roots) or not path.is_file():
                raise ValueError(f"Refused to fetch {url}: outside the project's static files")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), {"Content-Type": media_type}
            )

    return StaticOnlyFetcher(allowed_protocols={"data", "file"})


# --- inside a worker process (or in-process, for benchmarks) -----------------------------------

_font_config: Any = None


def _font_configuration() -> Any:
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def render_sync(html: str, assets: Path = REPORT_ASSETS) -> bytes:
    """Render HTML to tagged PDF bytes here and now; relative links resolve inside `assets`."""
    from weasyprint import HTML

    document = HTML(
        string=html,
        base_url=assets.resolve().as_uri() + "/",
        url_fetcher=static_only_fetcher(assets),
    )
    return document.write_pdf(font_config=_font_configuration(), **PDF_OPTIONS)


def page_count_sync(html: str, assets: Path = REPORT_ASSETS) -> int:
    """How many pages `html` lays out to (for benchmarks)."""
    from weasyprint import HTML

    document = HTML(
        string=html,
        base_url=assets.resolve().as_uri() + "/",
        url_fetcher=static_only_fetcher(assets),
    )
    return len(document.render(font_config=_font_configuration(), **PDF_OPTIONS).pages)


def _warm_up() -> None:
    import weasyprint  # noqa: F401  (import once per worker, not on the first request)

    _font_configuration()


# --- in the web process ------------------------------------------------------------------------

_pool: ProcessPoolExecutor | None = None


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # spawn, not fork: the web process has threads and open database connections.
        _pool = ProcessPoolExecutor(
            max_workers=MAX_WORKERS,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm_up,
        )
    return _pool


def _discard_pool() -> None:
    """Stop every worker now: one is stuck past its timeout and cannot be cancelled otherwise."""
    global _pool
    pool, _pool = _pool, None
    if pool is None:
        return
    # ProcessPoolExecutor has no public way to kill a busy worker before Python 3.14.
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)


async def run(job: Callable[..., T], *args: Any, seconds: float = RENDER_TIMEOUT_SECONDS) -> T:
    """Run `job(*args)` in the render pool; RenderFailed if it takes longer than `seconds`."""
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(_executor(), job, *args), seconds)
    except TimeoutError as exc:
        _discard_pool()
        raise RenderFailed(f"Rendering the document took longer than {seconds:g} seconds") from exc
    except BrokenProcessPool as exc:
        _discard_pool()
        raise RenderFailed("The document renderer stopped unexpectedly; try again") from exc


async def render(
    html: str, assets: Path = REPORT_ASSETS, seconds: float = RENDER_TIMEOUT_SECONDS
) -> bytes:
    """Render HTML to tagged PDF bytes in the pool, without blocking the event loop."""
    return await run(render_sync, html, assets, seconds=seconds)
