"""Password rules as NCSC and NIST SP 800-63B advise: a length range, a deny-list, no composition
rules.

The deny-list file holds common passwords in their plain form; the usual ways of stretching one to
the minimum length (repeating it, padding it with digits or symbols, swapping letters for look-alike
digits) are undone here before looking it up, so the file stays small.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

MIN_LENGTH = 15  # the password is the only factor
MAX_LENGTH = 256  # checked before hashing, so nobody can make us hash a megabyte
SERVICE_WORDS = ("charter",)
DENY_LIST_FILE = Path(__file__).with_name("common_passwords.txt")

# Once the service's or the person's name is taken out, a remainder shorter than this is too little.
MIN_REMAINDER = 10

TOO_COMMON = "Password is too common or too easy to guess: try three or more random words"
SERVICE_NAME = (
    "Password must not be based on the name of this service: try three or more random words"
)
PERSONAL = "Password must not be based on your name or email address"

_SEPARATORS = re.compile(r"[\s\-_.,;:'\"]+")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_LOOK_ALIKES = str.maketrans("@4310$5!7", "aaeiosslt")
_ROWS = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7ki8lo9p0",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "1234qwerasdfzxcv",
    "123qweasdzxc",
)
# Each row, reversed too, and run on past its end so a walk may wrap round.
_WALKS = tuple(row * 3 for row in _ROWS) + tuple(row[::-1] * 3 for row in _ROWS)


@cache
def deny_list() -> frozenset[str]:
    lines = DENY_LIST_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def normalise(text: str) -> str:
    """Lower case, compatibility forms folded, spaces and separators removed."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).lower())


def _period(text: str) -> str | None:
    """The shortest piece that `text` is made of when repeated (a trailing partial copy allowed)."""
    for size in range(1, len(text) // 2 + 1):
        if all(text[i] == text[i % size] for i in range(size, len(text))):
            return text[:size]
    return None


def _forms(text: str) -> set[str]:
    """`text`; without digits and symbols at either end; with look-alike digits read as letters."""
    plain = text.translate(_LOOK_ALIKES)
    return {form for form in (text, _EDGES.sub("", text), plain, _EDGES.sub("", plain)) if form}


def is_guessable(text: str) -> bool:
    """Whether a normalised password is common, a keyboard walk or sequence, or a repeated piece."""
    if len(set(text)) < 5:
        return True
    for form in _forms(text):
        if form in deny_list() or any(form in walk for walk in _WALKS):
            return True
        piece = _period(form)
        if piece is not None and (len(piece) < 8 or is_guessable(piece)):
            return True
    return False


def _without(text: str, words: list[str]) -> str | None:
    """`text` with every occurrence of `words` taken out, or None when none of them occurs."""
    found = [word for word in words if len(word) >= 3 and word in text]
    if not found:
        return None
    for word in sorted(found, key=len, reverse=True):
        text = text.replace(word, "")
    return _EDGES.sub("", text)


def _too_little_left(remainder: str | None) -> bool:
    return remainder is not None and (len(remainder) < MIN_REMAINDER or is_guessable(remainder))


def personal_words(email: str, name: str) -> list[str]:
    local = (email or "").split("@")[0]
    pieces = [*_SEPARATORS.split(local.lower()), *_SEPARATORS.split((name or "").lower())]
    return [normalise(local), normalise(name or ""), *pieces]


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """The reason a password is refused, or None when it is acceptable."""
    # Length first, and on the raw text: a megabyte must be refused before any other work.
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if len(password) < MIN_LENGTH:
        return (
            f"Password must be {MIN_LENGTH} characters or more: "
            "a passphrase of three or more random words is long enough and easy to remember"
        )
    text = normalise(password)
    if is_guessable(text):
        return TOO_COMMON
    if _too_little_left(_without(text, list(SERVICE_WORDS))):
        return SERVICE_NAME
    if _too_little_left(_without(text, personal_words(email, name))):
        return PERSONAL
    return None
