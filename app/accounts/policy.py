"""The access policy: may this actor see, or do this to, this object? Every service asks here."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.accounts.actor import Actor
from app.accounts.roles import DEPARTMENT_ROLES, Role

CONCLUDED = "concluded"


def can_see_assessment(actor: Actor, assessment: dict[str, Any], assigned: set[UUID] | None = None) -> bool:
    """Department data: its own organisation, assigned assessors, lead assessors and admins;
    publishers only once concluded."""
    role = actor.role
    if role == Role.ADMIN:
        return True
    if role in DEPARTMENT_ROLES:
        return actor.organisation_id == assessment["organisation"]
    if role == Role.LEAD_ASSESSOR:
        return assessment["status"] != "draft"
    if role == Role.ASSESSOR:
        return actor.id in (assigned or set())
    if role == Role.PUBLISHER:
        return assessment["status"] == CONCLUDED
    return False


def can_see_organisation_data(actor: Actor, organisation_id: UUID) -> bool:
    """Evidence and other department-owned data outside an assessment."""
    if actor.role == Role.ADMIN:
        return True
    return actor.role in DEPARTMENT_ROLES and actor.organisation_id == organisation_id


def is_admin(actor: Actor) -> bool:
    return actor.role == Role.ADMIN
