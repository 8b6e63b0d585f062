"""Finding rows by what a person remembers of them: words, in any case and order, each of which
must appear in one of a few text columns (an evidence item's title, file name or description; a
person's name or email address). "%" and "_" are only themselves."""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import WhereRaw

from app import db
from app.errors import Invalid

MAX_SEARCH = 200
MAX_WORDS = 8


def words_of(search: str | None, field: str = "q") -> list[str]:
    """The distinct words to look for, lower-cased; Invalid (naming `field`) if too long."""
    text = (search or "").strip()
    problem = problem_with(text)
    if problem:
        raise Invalid({field: problem})
    words: list[str] = []
    for word in text.lower().split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def problem_with(search: str | None) -> str | None:
    """What is wrong with a search, for a page that shows it beside the box (None: nothing)."""
    if len((search or "").strip()) > MAX_SEARCH:
        return f"Search for {MAX_SEARCH} characters or fewer"
    return None


def _pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def condition(words: list[str], columns: tuple[str, ...]) -> tuple[str, list[Any]]:
    """SQL (Piccolo's "{}" placeholders) true for a row with every word in one of `columns`
    (SQL names, never user input), and its values; ("", []) for no words."""
    lower = db.lower_function()
    one_word = " OR ".join(f"{lower}({column}) LIKE {{}} ESCAPE '\\'" for column in columns)
    sql = " AND ".join(f"({one_word})" for _ in words)
    values = [_pattern(word) for word in words for _ in columns]
    return sql, values


def where(words: list[str], columns: tuple[str, ...]) -> WhereRaw:
    sql, values = condition(words, columns)
    return WhereRaw(sql, *values)
