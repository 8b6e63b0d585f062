"""Judging a file's type by its content, directly (the API tests cover the same through HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.evidence import content_types as ct
from tests.evidence import samples


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "upload.part"
    path.write_bytes(content)
    return path


def test_name_never_makes_binary_content_acceptable(tmp_path: Path) -> None:
    for name in ("report.pdf", "photo.png", "data.csv", "notes.txt"):
        with pytest.raises(ct.Refused, match="program"):
            ct.detect(write(tmp_path, samples.ELF), name)


def test_text_beginning_mz_is_still_text(tmp_path: Path) -> None:
    assert (
        ct.detect(write(tmp_path, b"MZ Consulting: customer survey notes\n"), "notes.txt")
        is ct.TEXT
    )


def test_utf8_split_across_read_chunks_is_text(tmp_path: Path) -> None:
    content = b"a" * (ct.CHUNK_BYTES - 1) + "é".encode() + b"\n"
    assert ct.detect(write(tmp_path, content), "long.txt") is ct.TEXT


def test_nul_late_in_a_long_file_makes_it_not_text(tmp_path: Path) -> None:
    content = b"plain words\n" * 200_000 + b"\x00"
    with pytest.raises(ct.Refused, match="UTF-8"):
        ct.detect(write(tmp_path, content), "long.txt")


@pytest.mark.parametrize(
    "markup",
    [
        b"  <html><p>hi</p>",
        b"<?xml version='1.0'?><a/>",
        b"notes\n<script>x</script>",
        b"\xef\xbb\xbf<!doctype html>",
    ],
)
def test_markup_is_refused_as_text(tmp_path: Path, markup: bytes) -> None:
    with pytest.raises(ct.Refused, match="web page"):
        ct.detect(write(tmp_path, markup), "notes.txt")


def test_odf_with_an_unexpected_mimetype_is_refused(tmp_path: Path) -> None:
    content = samples._zip(
        [("mimetype", b"application/vnd.oasis.opendocument.graphics")], first_stored=True
    )
    with pytest.raises(ct.Refused, match="OpenDocument type"):
        ct.detect(write(tmp_path, content), "drawing.odg")


def test_truncated_zip_is_refused_as_damaged(tmp_path: Path) -> None:
    with pytest.raises(ct.Refused, match="damaged"):
        ct.detect(write(tmp_path, samples.docx()[:200]), "policy.docx")


def test_csv_with_quoted_delimiters_is_csv(tmp_path: Path) -> None:
    content = b'name,notes\n"Smith, J","said ""fine"", thanks"\n"Jones, K",ok\n'
    assert ct.detect(write(tmp_path, content), "export.dat") is ct.CSV


def test_accept_hint_lists_every_allowed_extension() -> None:
    assert ct.ACCEPT.split(",")[:2] == [".pdf", ".docx"]
    assert ".jpeg" in ct.ACCEPT
