"""What a person's or an organisation's name must be: something a reader can see, on one line.
Names go onto certificates, board reports, league tables and CSV files, where a line break or an
invisible name (zero-width spaces, direction marks only) would be wrong or unreadable."""

from __future__ import annotations

import unicodedata

MAX_NAME = 200


def name_problem(name: str, missing: str) -> str | None:
    """What is wrong with a (stripped) name, or None; `missing` is the message for no name."""
    if not any(unicodedata.category(c)[0] not in "CZ" for c in name):
        return missing
    if len(name) > MAX_NAME:
        return f"Name must be {MAX_NAME} characters or fewer"
    if any(unicodedata.category(c) == "Cc" for c in name):
        return "Name must be on one line, without tabs or other control characters"
    return None
