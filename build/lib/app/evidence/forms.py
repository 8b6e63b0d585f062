"""The upload form: a few numbered slots, each a file with its title, description and date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.evidence.service import Draft
from app.evidence.staging import Received

UPLOAD_SLOTS = 3
FIELDS = ("file", "title", "description", "effective_on")
FILE_FIELDS = frozenset(f"file-{n}" for n in range(1, UPLOAD_SLOTS + 1))


@dataclass
class Slot:
    number: int
    title: str = ""
    description: str = ""
    day: str = ""
    month: str = ""
    year: str = ""
    upload: Received | None = None  # None when no file was chosen

    @property
    def is_empty(self) -> bool:
        typed = (self.title, self.description, self.day, self.month, self.year)
        return self.upload is None and not any(v.strip() for v in typed)

    def effective_on(self) -> tuple[dt.date | None, str | None]:
        """The date from its three boxes, or the problem with them (GOV.UK's messages)."""
        parts = {"day": self.day.strip(), "month": self.month.strip(), "year": self.year.strip()}
        if not any(parts.values()):
            return None, "Enter the date the document was produced or approved"
        missing = [name for name, value in parts.items() if not value]
        if missing:
            return None, f"Effective date must include a {' and '.join(missing)}"
        if not all(v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
            return None, "Effective date must be a real date"
        try:
            return dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"])), None
        except ValueError:
            return None, "Effective date must be a real date"


@dataclass
class UploadForm:
    slots: list[Slot] = field(default_factory=lambda: [Slot(n) for n in range(1, UPLOAD_SLOTS + 1)])

    @classmethod
    def from_form(cls, fields: Mapping[str, str], files: Mapping[str, Received]) -> UploadForm:
        def text(name: str) -> str:
            return fields.get(name, "")

        slots = []
        for n in range(1, UPLOAD_SLOTS + 1):
            slots.append(
                Slot(
                    number=n,
                    title=text(f"title-{n}"),
                    description=text(f"description-{n}"),
                    day=text(f"effective_on-{n}-day"),
                    month=text(f"effective_on-{n}-month"),
                    year=text(f"effective_on-{n}-year"),
                    upload=files.get(f"file-{n}"),
                )
            )
        return cls(slots)

    def filled(self) -> list[Slot]:
        return [s for s in self.slots if not s.is_empty]

    def drafts(self) -> list[Draft]:
        return [
            Draft(s.title, s.description, s.effective_on()[0], s.upload, ref=str(s.number))
            for s in self.filled()
        ]

    def validate(self) -> dict[str, str]:
        """What this form alone can tell: a file chosen at all, and real effective dates."""
        problems: dict[str, str] = {}
        if not self.filled():
            problems["file-1"] = "Select a file"
        for slot in self.filled():
            _, date_problem = slot.effective_on()
            if date_problem:
                problems[f"effective_on-{slot.number}"] = date_problem
        return problems

    def in_page_order(self, problems: Mapping[str, str]) -> dict[str, str]:
        order = [f"{name}-{s.number}" for s in self.slots for name in FIELDS]
        return {key: problems[key] for key in order if key in problems}
