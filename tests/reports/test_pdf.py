"""The PDF renderer: HarfBuzz font subsetting, no fetching outside the project, a timeout."""

from __future__ import annotations

import io
import time

import pytest
from pypdf import PdfReader

from app.reports import pdf
from app.reports.pdf import (
    REPORT_ASSETS,
    STATIC_DIR,
    RenderFailed,
    harfbuzz_subsetting_available,
    static_only_fetcher,
)
from tests.certificates.support import pdf_text

MINIMAL = (
    '<html lang="en"><head><title>Minimal</title></head><body><p>Hello, board.</p></body></html>'
)


def test_weasyprint_subsets_fonts_with_harfbuzz() -> None:
    assert harfbuzz_subsetting_available(), (
        "WeasyPrint is using its slow fontTools fallback: "
        "install libharfbuzz-subset0 (./dev setup does)"
    )


def test_fetcher_serves_the_projects_static_files_and_data_urls() -> None:
    fetcher = static_only_fetcher(REPORT_ASSETS)
    css = fetcher.fetch((REPORT_ASSETS / "print.css").as_uri())
    assert css.content_type == "text/css" and b"font-family" in css.read()
    favicon = fetcher.fetch((STATIC_DIR / "images" / "favicon.svg").as_uri())
    assert favicon.content_type == "image/svg+xml"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/assets/charter.css",
        "ftp://example.com/x",
        "file:///etc/passwd",
        (REPORT_ASSETS / ".." / ".." / "settings.py").as_uri(),
        "file://attacker.example/share/x.css",
    ],
)
def test_fetcher_refuses_the_network_and_files_outside_the_static_folders(url: str) -> None:
    with pytest.raises(ValueError, match=r"Refused|disallowed"):
        static_only_fetcher(REPORT_ASSETS).fetch(url)


async def test_render_in_the_pool_gives_a_tagged_pdf() -> None:
    data = await pdf.render(MINIMAL)
    assert pdf_text(data) == "Hello, board."
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root


async def test_a_render_that_overruns_its_timeout_fails_clearly_and_the_pool_recovers() -> None:
    with pytest.raises(RenderFailed, match=r"longer than 0\.5 seconds"):
        await pdf.run(time.sleep, 30, seconds=0.5)
    assert pdf_text(await pdf.render(MINIMAL)) == "Hello, board."
