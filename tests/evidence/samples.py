"""Tiny real files of every allowed type, and some that must be refused, built in memory."""

from __future__ import annotations

import io
import zipfile

from PIL import Image


def pdf(text: str = "Complaints handling policy") -> bytes:
    """A minimal well-formed one-page PDF with its cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _zip(members: list[tuple[str, bytes]], first_stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for index, (name, data) in enumerate(members):
            stored = first_stored and index == 0
            z.writestr(
                name, data, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document><w:body><w:p>Policy</w:p></w:body></w:document>"),
        ]
    )


def xlsx(extra: list[tuple[str, bytes]] | None = None) -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", b"<Relationships/>"),
            ("xl/workbook.xml", b"<workbook><sheets/></workbook>"),
            *(extra or []),
        ]
    )


def pptx() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", b"<Relationships/>"),
            ("ppt/presentation.xml", b"<p:presentation/>"),
        ]
    )


def docm() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("word/document.xml", b"<w:document/>"),
            ("word/vbaProject.bin", b"\x00macro"),
        ]
    )


def odf(kind: str) -> bytes:
    mimetype = f"application/vnd.oasis.opendocument.{kind}".encode()
    return _zip(
        [
            ("mimetype", mimetype),
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", b"<manifest:manifest/>"),
        ],
        first_stored=True,
    )


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (11, 79, 92)).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (11, 79, 92)).save(out, "JPEG")
    return out.getvalue()


CSV = b"Month,Complaints,Resolved in 10 days\n2026-01,41,38\n2026-02,37,35\n"
TEXT = b"Minutes of the customer panel, 3 March 2026.\nAttendees: 9. Actions: 4.\n"

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
WINDOWS_EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" * 4
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
SCRIPT = b"#!/bin/sh\nrm -rf /\n"
