"""PDF rendering with WeasyPrint, off the event loop: a few worker processes, a timeout, no network.

WeasyPrint holds the GIL and is CPU-bound, so a render on the event loop would stall every other
request; renders run in worker processes instead, each reusing one FontConfiguration, each ending
with the web process. The URL
fetcher serves only the project's own files, so nothing in a document can reach the network or
read the disk outside them.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import ctypes.util
import mimetypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from app.errors import DomainError

APP_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = APP_DIR / "web" / "static"
REPORT_ASSETS = Path(__file__).resolve().parent / "assets"

RENDER_TIMEOUT_SECONDS = 60.0
START_TIMEOUT_SECONDS = 60.0
MAX_WORKERS = max(1, min(2, os.cpu_count() or 1))
PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_WATCH_SECONDS = 1.0
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


def _die_with(parent: int) -> None:
    """Make this worker end when the web process does, however it ends (SIGTERM, kill -9).

    Linux sends PR_SET_PDEATHSIG's signal when the parent goes; elsewhere, and in case the parent
    went before the call, a thread watches for being re-parented."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_WATCH_SECONDS)
        os._exit(0)

    if os.getppid() != parent:
        os._exit(0)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker_main(conn: Connection, parent: int) -> None:
    """A worker's life: load WeasyPrint once, say so, then run one job at a time until told to
    stop or the web process goes."""
    _die_with(parent)
    import weasyprint  # noqa: F401  (import once per worker, not on the first request)

    _font_configuration()
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job, args = message
        try:
            conn.send(("ok", job(*args)))
        except Exception as exc:  # the job's failure is the caller's to hear about
            conn.send(("error", exc))


# --- in the web process ------------------------------------------------------------------------


class _Worker:
    """One render process and the parent's end of its pipe; it runs one job at a time."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")  # not fork: the web process has threads
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, os.getpid()), name="charter-render", daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self) -> None:
        if not self.ready:
            if not self.conn.poll(START_TIMEOUT_SECONDS):
                raise EOFError("the renderer did not start")
            self.conn.recv()
            self.ready = True

    def call(self, job: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
        self.conn.send((job, args))
        return self.conn.recv()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(timeout=5)
        with contextlib.suppress(Exception):
            self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
            self.process.join(timeout=2)
        self.kill()


_idle: list[_Worker] = []
_slots: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}


def _slot() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    if loop not in _slots:
        _slots.clear()  # a new event loop (tests start several); workers outlive loops
        _slots[loop] = asyncio.Semaphore(MAX_WORKERS)
    return _slots[loop]


def waiting() -> int:
    """How many jobs wait for a free worker in this process now (for load shedding)."""
    try:
        slot = _slot()
    except RuntimeError:
        return 0
    return len(getattr(slot, "_waiters", None) or ())


def shutdown() -> None:
    while _idle:
        _idle.pop().stop()


atexit.register(shutdown)


def _consume(future: asyncio.Future[Any]) -> None:
    """A killed worker's pipe fails in its thread after the caller has gone; nobody needs that."""
    if not future.cancelled():
        future.exception()


async def run(job: Callable[..., T], *args: Any, seconds: float = RENDER_TIMEOUT_SECONDS) -> T:
    """Run `job(*args)` in a render worker; RenderFailed if it takes longer than `seconds`.

    Only the job itself is timed: waiting for a free worker (and starting one) is not, and a job
    past its time kills its own worker alone, never another request's render."""
    loop = asyncio.get_running_loop()
    async with _slot():
        worker = _idle.pop() if _idle else _Worker()  # started on the loop's thread (PDEATHSIG)
        try:
            await loop.run_in_executor(None, worker.wait_ready)
        except (EOFError, OSError) as exc:
            worker.kill()
            raise RenderFailed("The document renderer could not start; try again") from exc
        except BaseException:
            worker.kill()
            raise
        call = loop.run_in_executor(None, worker.call, job, args)
        call.add_done_callback(_consume)
        try:
            kind, value = await asyncio.wait_for(asyncio.shield(call), seconds)
        except TimeoutError as exc:
            worker.kill()
            raise RenderFailed(
                f"Rendering the document took longer than {seconds:g} seconds"
            ) from exc
        except (EOFError, OSError) as exc:
            worker.kill()
            raise RenderFailed("The document renderer stopped unexpectedly; try again") from exc
        except asyncio.CancelledError:
            worker.kill()  # the request went away; its worker may be mid-job, so it cannot be reused
            raise
        _idle.append(worker)
    if kind == "error":
        raise value
    return value


async def render(
    html: str, assets: Path = REPORT_ASSETS, seconds: float = RENDER_TIMEOUT_SECONDS
) -> bytes:
    """Render HTML to tagged PDF bytes in a worker, without blocking the event loop."""
    return await run(render_sync, html, assets, seconds=seconds)
