"""What a publisher asks for: a framework, an as-of date and a title (and, for a revision, which
table and why). Parsed alike from the JSON API and the HTML form; validate() -> {field: message}."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_TITLE = 200
MAX_REASON = 2000


def parse_date(text: str) -> dt.date | None:
    if not ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_id(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


@dataclass
class PublishForm:
    framework: str = ""
    title: str = ""
    as_of: str = ""  # YYYY-MM-DD
    revises: str = ""  # id of the table this one corrects, if any
    reason: str = ""

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> PublishForm:
        """From an HTML form: the as-of date comes as three boxes (as_of-day, -month, -year)."""
        day, month, year = (
            str(fields.get(f"as_of-{p}", "")).strip() for p in ("day", "month", "year")
        )
        as_of = str(fields.get("as_of", "")).strip()
        if day or month or year:
            as_of = f"{year}-{month.zfill(2)}-{day.zfill(2)}"
        return cls(
            framework=str(fields.get("framework", "")).strip(),
            title=str(fields.get("title", "")).strip(),
            as_of=as_of,
            revises=str(fields.get("revises", "")).strip(),
            reason=str(fields.get("reason", "")).strip(),
        )

    @property
    def as_of_date(self) -> dt.date | None:
        return parse_date(self.as_of)

    @property
    def revises_id(self) -> UUID | None:
        return parse_id(self.revises) if self.revises else None

    def validate(self, today: dt.date) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.framework:
            problems["framework"] = "Choose a framework"
        if not self.title:
            problems["title"] = "Enter a title"
        elif len(self.title) > MAX_TITLE:
            problems["title"] = f"Title must be {MAX_TITLE} characters or fewer"
        as_of = self.as_of_date
        if not self.as_of:
            problems["as_of"] = "Enter the as-of date"
        elif as_of is None:
            problems["as_of"] = f"As-of date must be a real date as YYYY-MM-DD, not '{self.as_of}'"
        elif as_of > today:
            problems["as_of"] = "As-of date must be today or in the past"
        if self.revises and self.revises_id is None:
            problems["revises"] = f"'{self.revises}' is not a league table id"
        if self.revises and not self.reason:
            problems["reason"] = "Say why the table is being revised"
        elif len(self.reason) > MAX_REASON:
            problems["reason"] = f"Reason must be {MAX_REASON} characters or fewer"
        elif self.reason and not self.revises:
            problems["reason"] = (
                "A reason is only given when revising a table (name it in 'revises')"
            )
        return problems
