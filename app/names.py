"""What a person's or an organisation's name must be: something a reader can see, on one line.
Names go onto certificates, board reports, league tables and CSV files, where a line break or an
invisible name (zero-width spaces, direction marks only) would be wrong or unreadable, and a
direction control (U+202E and its family) would show it as something other than it is."""

from __future__ import annotations

import unicodedata

MAX_NAME = 200
# The marks and controls that change the direction text is shown in: within a name they can make
# it read as something else ("Trading Standards" shown reversed, or a CSV cell rearranged).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def name_problem(name: str, missing: str) -> str | None:
    """What is wrong with a (stripped) name, or None; `missing` is the message for no name."""
    if not any(unicodedata.category(c)[0] not in "CZ" for c in name):
        return missing
    if len(name) > MAX_NAME:
        return f"Name must be {MAX_NAME} characters or fewer"
    if any(unicodedata.category(c) == "Cc" for c in name):
        return "Name must be on one line, without tabs or other control characters"
    return direction_problem(name)


def direction_problem(name: str) -> str | None:
    """The message for a name holding direction controls, or None (also for token names)."""
    if found := sorted({f"U+{ord(c):04X}" for c in name if c in BIDI_CONTROLS}):
        return (
            "Name must not contain characters that change the direction of text"
            f" ({', '.join(found)})"
        )
    return None
