"""Safe stored names and download headers."""

from __future__ import annotations

from app.evidence import content_types as ct
from app.evidence.filenames import content_disposition, display_name, sanitise


def test_control_characters_and_nul_are_removed() -> None:
    assert sanitise("a\x00b\x07c\r\nd.pdf", ct.PDF) == "abcd.pdf"


def test_nothing_left_becomes_a_plain_name_with_the_types_extension() -> None:
    assert sanitise("../..", ct.PDF) == "evidence.pdf"
    assert sanitise("", ct.PNG) == "evidence.png"


def test_dotted_words_are_not_taken_for_an_extension() -> None:
    assert sanitise("Plan v2.1 final", ct.PDF) == "Plan v2.1 final.pdf"


def test_extension_case_is_normalised() -> None:
    assert sanitise("SCAN.JPEG", ct.JPEG) == "SCAN.jpeg"


def test_content_disposition_has_ascii_fallback_and_exact_utf8_name() -> None:
    header = content_disposition('Rapport "final" \u2013 été.pdf')
    assert header == (
        'attachment; filename="Rapport _final_ ete.pdf"; '
        "filename*=UTF-8''Rapport%20%22final%22%20%E2%80%93%20%C3%A9t%C3%A9.pdf"
    )


def test_display_name_is_short_and_has_no_path() -> None:
    assert display_name("/srv/x/" + "a" * 100 + ".pdf") == "a" * 79 + "…"
