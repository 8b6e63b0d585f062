"""An email's words, from its kind's text template: the subject, and the body with its links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.notifications.events import page
from app.templating import govuk_date

TEMPLATES = Path(__file__).parent / "templates"

# Plain text, so nothing is escaped: an email's text part is not HTML.
_TEXT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=False,  # noqa: S701
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEXT.filters["date"] = lambda value: govuk_date(dt.date.fromisoformat(value))


@dataclass(frozen=True)
class Words:
    subject: str
    text: str
    link: str  # the object's page


def _template_name(event: str) -> str:
    return f"notifications/email/{event}.txt"


def subject(event: str, context: dict[str, Any]) -> str:
    """The subject alone (stored with the notification when it is written)."""
    template = _TEXT.get_template(_template_name(event))
    block = template.blocks["subject"](
        template.new_context({**context, "base_url": "", "link": ""})
    )
    return " ".join("".join(block).split())


def render(event: str, context: dict[str, Any], base_url: str) -> Words:
    """The subject and the text part, every link starting with `base_url` (CHARTER_BASE_URL)."""
    template = _TEXT.get_template(_template_name(event))
    base_url = base_url.rstrip("/")
    link = base_url + page(event, context)
    text = template.render({**context, "base_url": base_url, "link": link})
    return Words(subject=subject(event, context), text=text.strip() + "\n", link=link)
