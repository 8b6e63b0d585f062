"""The action forms: a new action (with a GOV.UK date input for its due date) and a progress change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.actions.service import STATUSES

# Service problem keys as the page's fields are named.
FIELD_OF = {"due_on": "due", "owner": "owner", "progress_note": "progress_note"}


def _text(form: Any, name: str) -> str:
    return str(form.get(name) or "")


@dataclass
class ActionForm:
    title: str = ""
    description: str = ""
    element: str = ""
    assessment: str = ""
    owner: str = ""
    due_day: str = ""
    due_month: str = ""
    due_year: str = ""

    @classmethod
    def parse(cls, form: Any) -> ActionForm:
        return cls(
            title=_text(form, "title"),
            description=_text(form, "description"),
            element=_text(form, "element").strip(),
            assessment=_text(form, "assessment").strip(),
            owner=_text(form, "owner").strip(),
            due_day=_text(form, "due-day").strip(),
            due_month=_text(form, "due-month").strip(),
            due_year=_text(form, "due-year").strip(),
        )

    def due_on(self) -> dt.date | None:
        try:
            return dt.date(int(self.due_year), int(self.due_month), int(self.due_day))
        except ValueError:
            return None

    def validate(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.title.strip():
            errors["title"] = "Enter a title for the action"
        if not (self.due_day or self.due_month or self.due_year):
            errors["due"] = "Enter the date the action is due"
        elif self.due_on() is None:
            errors["due"] = "The due date must be a real date, like 31 3 2027"
        return errors

    @staticmethod
    def errors_from(problems: dict[str, str]) -> dict[str, str]:
        return {FIELD_OF.get(k, k): v for k, v in problems.items()}


@dataclass
class ProgressForm:
    status: str = ""
    progress_note: str = ""

    @classmethod
    def parse(cls, form: Any) -> ProgressForm:
        return cls(status=_text(form, "status").strip(), progress_note=_text(form, "progress_note"))

    def validate(self) -> dict[str, str]:
        if self.status not in STATUSES:
            return {"status": "Choose the action's status"}
        return {}
