"""The signed-in person as services see them: who acts, with which role, for which organisation."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from app.accounts.roles import DEPARTMENT_ROLES, Role


@dataclass(frozen=True)
class Actor:
    id: UUID
    email: str
    name: str
    role: Role
    organisation_id: UUID | None
    via_token: bool = False
    must_change_password: bool = False
    two_factor_enrolled: bool = False
    # Their role needs a second factor they have not set up: they may only set it up (auth.py).
    must_enrol_two_factor: bool = False

    @property
    def is_department(self) -> bool:
        return self.role in DEPARTMENT_ROLES

    @property
    def label(self) -> str:
        return self.email


@dataclass(frozen=True)
class SystemActor:
    """Changes made from the command line or by the service itself."""

    label: str = "cli"
    id: None = None
