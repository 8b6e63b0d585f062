"""The audit record's filter form: query parameters -> an AuditFilter, and {field: message}."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.audit.service import AuditFilter

FIELDS = ("actor", "action", "object_type", "object_id", "date_from", "date_to")
LABELS = {"date_from": "Date from", "date_to": "Date to"}


@dataclass(frozen=True)
class AuditFilterForm:
    values: dict[str, str]
    page: int = 1

    @classmethod
    def parse(cls, query: Mapping[str, Any]) -> AuditFilterForm:
        values = {}
        for name in FIELDS:
            value = query.get(name)
            values[name] = value.strip()[:200] if isinstance(value, str) else ""
        try:
            page = max(1, int(query.get("page") or 1))
        except (TypeError, ValueError):
            page = 1
        return cls(values, page)

    def validate(self) -> dict[str, str]:
        problems = {}
        for name in ("date_from", "date_to"):
            if self.values[name] and _date(self.values[name]) is None:
                problems[name] = f"{LABELS[name]} must be a real date, like 2026-11-22"
        start, end = _date(self.values["date_from"]), _date(self.values["date_to"])
        if not problems and start and end and start > end:
            problems["date_to"] = "Date to must be the same as or after date from"
        return problems

    def to_filter(self) -> AuditFilter:
        """Only call once validate() has found nothing."""
        v = self.values
        return AuditFilter(
            actor=v["actor"],
            action=v["action"],
            object_type=v["object_type"],
            object_id=v["object_id"],
            date_from=_date(v["date_from"]),
            date_to=_date(v["date_to"]),
        )


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
