"""What a Charter workbook looks like: its kinds, sheets and columns, shared by writing and reading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

COVER = "About this workbook"
LISTS = "Lists"  # hidden: the score drop-down's labels
IDENTITY = "Charter"  # very hidden: which assessment and kind this workbook is
ASSESSMENT_NAME = "CharterAssessment"  # a defined name for the identity cell
NOT_APPLICABLE = "Not applicable"
MAX_TEXT = 20_000
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


class Kind(StrEnum):
    SELF = "self-assessment"
    MODERATION = "moderation"


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    answer: bool = False  # unlocked for typing
    hidden: bool = False
    scale: bool = False  # a drop-down of the scale's labels


SELF_COLUMNS = (
    Column("Code", 12),
    Column("Criterion", 24),
    Column("Statement", 50),
    Column("Guidance", 40),
    Column("Score", 22, answer=True, scale=True),
    Column("Narrative (or why it does not apply)", 60, answer=True),
    Column("Evidence linked (change on the web)", 40),
    Column("Revision", 8, hidden=True),
)
MODERATION_COLUMNS = (
    Column("Code", 12),
    Column("Statement", 50),
    Column("Department's score", 22),
    Column("Department's narrative", 50),
    Column("Moderated score", 22, answer=True, scale=True),
    Column("Rationale", 40, answer=True),
    Column("Strength", 40, answer=True),
    Column("Area for improvement", 40, answer=True),
    Column("Revision", 8, hidden=True),
)


def columns_of(kind: Kind) -> tuple[Column, ...]:
    return SELF_COLUMNS if kind == Kind.SELF else MODERATION_COLUMNS


def sheet_name(theme_code: str) -> str:
    """A theme's sheet: its code, as Excel allows sheet names (31 characters, no []:*?/\\)."""
    return _SHEET_NAME.sub("-", theme_code)[:31]


def cell_text(value: str) -> str:
    """Text as a cell can hold it: XML forbids some control characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)
