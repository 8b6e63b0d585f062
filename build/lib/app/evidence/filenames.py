"""Safe names for uploaded files: what we store and show, and how a download names itself."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from app.evidence.content_types import FileType

MAX_NAME_CHARS = 150
MAX_EXTENSION_CHARS = 10
FALLBACK_STEM = "evidence"

# Characters that are path syntax or forbidden on common filesystems.
_UNSAFE = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")
# Unicode categories never wanted in a name: controls, format marks such as the right-to-left
# override (which can disguise "exe.pdf" as "fdp.exe"), separators, surrogates, private use.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.I)


def sanitise(name: str, file_type: FileType) -> str:
    """The last path part of `name`, normalised (NFC), without control or path characters,
    at most MAX_NAME_CHARS long, ending in an extension that matches the detected type."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    name = _SPACES.sub(" ", _UNSAFE.sub("_", name)).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = "." + ext.lower() if ext else ""
    if ext not in file_type.extensions:
        # A real extension of the wrong type is replaced; anything else stays part of the name.
        if not ext or len(ext) > MAX_EXTENSION_CHARS or " " in ext:
            stem = name
        ext = file_type.extensions[0]
    stem = stem.strip(" .") or FALLBACK_STEM
    if _WINDOWS_RESERVED.match(stem):
        stem = f"_{stem}"
    return stem[: MAX_NAME_CHARS - len(ext)].rstrip(" .") + ext


def content_disposition(filename: str) -> str:
    """An attachment header that every browser reads safely (RFC 6266): an ASCII fallback
    name, and the exact name as UTF-8 in filename*."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9 ._()\-]", "_", ascii_name)
    ascii_name = _SPACES.sub(" ", ascii_name).strip() or FALLBACK_STEM
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def display_name(name: str, limit: int = 80) -> str:
    """The chosen file's name as a message may quote it: last path part, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _DROPPED_CATEGORIES).strip()
    return name if len(name) <= limit else name[: limit - 1] + "…"
