"""Small but real evidence files for the demo, made in code: a one-page PDF, a CSV table, a PNG
bar chart and a plain-text log. Each opens in an ordinary viewer and passes the upload checks."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points


def _pdf_text(text: str) -> str:
    """A PDF literal string: Helvetica's standard encoding, so plain ASCII only."""
    ascii_only = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    ascii_only = ascii_only.encode("ascii", "replace").decode("ascii")
    return ascii_only.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, width: int = 88) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    return lines


def pdf(title: str, subtitle: str, body: str) -> bytes:
    """A one-page A4 PDF with a heading, a subheading and wrapped body text."""
    ops = ["BT", "/F2 18 Tf", "56 780 Td", f"({_pdf_text(title)}) Tj", "ET"]
    ops += ["BT", "/F1 11 Tf", "56 756 Td", f"({_pdf_text(subtitle)}) Tj", "ET"]
    ops += ["BT", "/F1 10 Tf", "14 TL", "56 720 Td"]
    for line in _wrap(body):
        ops.append(f"({_pdf_text(line)}) '")
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
        "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        f"<< /Title ({_pdf_text(title)}) /Producer (Charter demo) >>".encode(),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body_bytes in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body_bytes + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def csv_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A UTF-8 CSV file; values are plain numbers and words, so no quoting is needed."""
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


BLUE = (29, 112, 184)  # GOV.UK blue
GREY = (80, 90, 95)
WHITE = (255, 255, 255)


def bar_chart(values: Sequence[int], width: int = 240, height: int = 120) -> bytes:
    """A PNG bar chart of `values` (0 to 100), with a baseline: enough to look like a report."""
    pixels = [[WHITE] * width for _ in range(height)]
    base = height - 10
    slot = (width - 20) // max(len(values), 1)
    for i, value in enumerate(values):
        left = 10 + i * slot + slot // 5
        right = 10 + (i + 1) * slot - slot // 5
        top = base - (base - 10) * max(0, min(value, 100)) // 100
        for y in range(top, base):
            for x in range(left, right):
                pixels[y][x] = BLUE
    for x in range(6, width - 6):
        pixels[base][x] = GREY
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw, 9))
        + _png_chunk(b"IEND", b"")
    )


def text(lines: Sequence[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")
