"""What kind of file an upload is, judged by its content alone, against the allow-list.

Pure functions over a file on disk: no I/O beyond reading that file. A zip is never extracted:
only its end record and central directory are read (and ODF's tiny stored `mimetype` member).
"""

from __future__ import annotations

import codecs
import csv
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
MAX_ZIP_ENTRIES = 10_000  # real office files have tens to hundreds; more is an attack
CSV_SAMPLE_LINES = 20


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str  # how people name it: "PDF", "Word document"
    extensions: tuple[str, ...]  # the first is added when the name has none of these


PDF = FileType("application/pdf", "PDF", (".pdf",))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word document",
    (".docx",),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "Excel spreadsheet",
    (".xlsx",),
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint presentation",
    (".pptx",),
)
ODT = FileType("application/vnd.oasis.opendocument.text", "OpenDocument text", (".odt",))
ODS = FileType(
    "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet", (".ods",)
)
ODP = FileType(
    "application/vnd.oasis.opendocument.presentation", "OpenDocument presentation", (".odp",)
)
CSV = FileType("text/csv; charset=utf-8", "CSV", (".csv",))
TEXT = FileType("text/plain; charset=utf-8", "Text", (".txt", ".text", ".md", ".log"))
PNG = FileType("image/png", "PNG image", (".png",))
JPEG = FileType("image/jpeg", "JPEG image", (".jpg", ".jpeg"))

ALLOWED = (PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, CSV, TEXT, PNG, JPEG)
BY_MEDIA_TYPE = {t.media_type: t for t in ALLOWED}
ALLOWED_LABELS = "PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text, PNG or JPEG"
# For the file input's `accept`: a hint to the browser's picker only; content decides.
ACCEPT = ",".join(ext for t in ALLOWED for ext in t.extensions)

_ODF = {t.media_type: t for t in (ODT, ODS, ODP)}
_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))

# Refused whatever the content turns out to be: these names run code when opened.
DANGEROUS_EXTENSIONS = frozenset(
    ".exe .com .bat .cmd .msi .msp .scr .pif .dll .sys .cpl .jar .js .jse .mjs .vbs .vbe .wsf "  # noqa: SIM905
    ".wsh .ps1 .psm1 .sh .bash .zsh .py .pyc .pl .rb .php .phtml .asp .aspx .jsp .cgi .html .htm "
    ".xhtml .shtml .svg .svgz .xml .xsl .hta .lnk .reg .app .apk .deb .rpm .dmg .iso .docm .xlsm "
    ".pptm .dotm .xltm .potm".split()
)

_MACH_O = (
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
_MARKUP_START = re.compile(rb"^\s*<\s*[a-zA-Z!?/]")
_ACTIVE_MARKUP = re.compile(rb"<\s*(script|svg|html|iframe|object|embed)\b|javascript:", re.I)


class Refused(Exception):
    """The content is not an allowed type; the message says what it looks like instead."""


def detect(path: Path, filename: str = "") -> FileType:
    """The allowed type of the file at `path`, or Refused saying why not.

    The name is consulted only to refuse names that run code and, once the content is known to
    be text, to tell CSV from plain text.
    """
    suffix = Path(filename).suffix.lower()
    if suffix in DANGEROUS_EXTENSIONS:
        raise Refused(f"files ending {suffix} can run code or scripts")
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_document(path, head)
    _refuse_known_binary(head)
    if _is_utf8_text(path):
        _refuse_active_text(head)
        return CSV if suffix == ".csv" or _looks_like_csv(head) else TEXT
    raise Refused("it is not a type Charter accepts (text and CSV files must be saved as UTF-8)")


def _refuse_known_binary(head: bytes) -> None:
    if head.startswith(b"\x7fELF") or (head.startswith(b"MZ") and b"\x00" in head[:1024]):
        raise Refused("it is a program (an executable file), not a document")
    if head[:4] in _MACH_O:
        raise Refused("it is a program (an executable file), not a document")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise Refused(
            "it is in an old Office format (.doc, .xls or .ppt): save it as .docx, .xlsx, "
            ".pptx or PDF"
        )
    if head.startswith((b"GIF8", b"II*\x00", b"MM\x00*")) or head[8:12] == b"WEBP":
        raise Refused("it is an image type Charter does not accept: use PNG or JPEG")


def _refuse_active_text(head: bytes) -> None:
    text = head.removeprefix(codecs.BOM_UTF8)
    if text.startswith(b"#!"):
        raise Refused("it is a script")
    if _MARKUP_START.match(text) or _ACTIVE_MARKUP.search(text):
        raise Refused("it is a web page, SVG or other markup that can carry scripts")


def _is_utf8_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            if b"\x00" in chunk:
                return False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _looks_like_csv(head: bytes) -> bool:
    """Several lines that split into the same number (2+) of fields on one delimiter."""
    text = head.decode("utf-8", errors="ignore").removeprefix("\ufeff")
    lines = [line for line in text.splitlines()[:CSV_SAMPLE_LINES] if line.strip()]
    if len(head) == HEAD_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    if len(lines) < 2:
        return False
    for delimiter in (",", ";", "\t", "|"):
        widths = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        if len(widths) == 1 and widths.pop() >= 2:
            return True
    return False


def _zip_entry_count(path: Path) -> int:
    """Entries in the zip's end-of-central-directory record, read before zipfile lists them all."""
    size = path.stat().st_size
    with path.open("rb") as f:
        tail_size = min(size, 22 + 65535)
        f.seek(size - tail_size)
        tail = f.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise Refused("it is a damaged zip file")
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    return entries


def _zip_document(path: Path, head: bytes) -> FileType:
    entries = _zip_entry_count(path)
    if entries == 0xFFFF or entries > MAX_ZIP_ENTRIES:
        raise Refused("it is a zip file with too many parts to be a document")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if infos and infos[0].filename == "mimetype":
                return _odf_type(archive, infos[0])
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise Refused("it contains macros: save it without macros (.docx, .xlsx, .pptx)")
            if "[Content_Types].xml" in names:
                for prefix, file_type in _OOXML_PARTS:
                    if any(name.startswith(prefix) for name in names):
                        return file_type
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise Refused("it is a damaged zip file") from exc
    raise Refused("it is a zip archive, not a document: upload the documents inside it")


def _odf_type(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> FileType:
    # ODF requires `mimetype` first and stored uncompressed; reading at most 100 bytes of it
    # cannot inflate anything.
    if info.compress_type != zipfile.ZIP_STORED or info.file_size > 100:
        raise Refused("it is a damaged OpenDocument file")
    with archive.open(info) as member:
        declared = member.read(100).decode("ascii", errors="replace").strip()
    if declared in _ODF:
        return _ODF[declared]
    raise Refused(f"it is an OpenDocument type Charter does not accept ({declared[:60]})")
