"""The organisation form: what was posted (the service checks it and names each problem)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OrganisationForm:
    slug: str = ""
    name: str = ""
    kind: str = "department"
    parent: str = ""

    @classmethod
    def parse(cls, form: Mapping[str, Any]) -> OrganisationForm:
        def text(name: str) -> str:
            value = form.get(name)
            return value.strip() if isinstance(value, str) else ""

        return cls(text("slug"), text("name"), text("kind"), text("parent"))
