"""The access policy: may this actor see, or do this to, this object? Every service asks here."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from app.accounts.actor import Actor, SystemActor
from app.accounts.roles import ASSESSOR_ROLES, DEPARTMENT_ROLES, Role

CONCLUDED = "concluded"


def can_see_assessment(
    actor: Actor, assessment: dict[str, Any], assigned: set[UUID] | None = None
) -> bool:
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


def can_start_assessment(actor: Actor, organisation_id: UUID) -> bool:
    return actor.role == Role.DEPT_LEAD and actor.organisation_id == organisation_id


def can_edit_responses(actor: Actor, assessment: dict[str, Any]) -> bool:
    """The department's own people answer its assessment; nobody else does."""
    return actor.role in DEPARTMENT_ROLES and actor.organisation_id == assessment["organisation"]


def can_submit_assessment(actor: Actor, assessment: dict[str, Any]) -> bool:
    return actor.role == Role.DEPT_LEAD and actor.organisation_id == assessment["organisation"]


@dataclass(frozen=True)
class AssessmentScope:
    """can_see_assessment as query terms, so that lists are filtered (and paged) in the database."""

    everything: bool = False
    organisation: UUID | None = None  # only this organisation's
    statuses: frozenset[str] | None = None  # only these statuses
    except_statuses: frozenset[str] = frozenset()
    assigned_to: UUID | None = None  # only those with an active assignment to this assessor
    nothing: bool = False


def assessment_scope(actor: Actor) -> AssessmentScope:
    role = actor.role
    if role == Role.ADMIN:
        return AssessmentScope(everything=True)
    if role in DEPARTMENT_ROLES:
        if actor.organisation_id is None:
            return AssessmentScope(nothing=True)
        return AssessmentScope(organisation=actor.organisation_id)
    if role == Role.LEAD_ASSESSOR:
        return AssessmentScope(except_statuses=frozenset({"draft"}))
    if role == Role.ASSESSOR:
        return AssessmentScope(assigned_to=actor.id)
    if role == Role.PUBLISHER:
        return AssessmentScope(statuses=frozenset({CONCLUDED}))
    return AssessmentScope(nothing=True)


# --- moderation and certification (app/moderation) ---------------------------------------


def is_lead_assessor(actor: Actor) -> bool:
    """Assigns assessors, makes certification decisions, reads calibration."""
    return actor.role == Role.LEAD_ASSESSOR


def can_read_calibration(actor: Actor) -> bool:
    return actor.role in (Role.LEAD_ASSESSOR, Role.ADMIN)


def is_independent_of(employer_id: UUID | None, assessed_family: Collection[UUID]) -> bool:
    """contract.md § Independence: nobody employed by the assessed organisation, by one above it
    (its sponsoring department ...) or by one below it (its agencies ...) assesses or decides it.
    `assessed_family` is all of those (organisations.service.family(...).members)."""
    return employer_id is None or employer_id not in assessed_family


# --- people, organisations and the audit record ------------------------------------------------
# The command line acts as SystemActor: whoever can run it already holds the database.


def may_manage_users(actor: Actor | SystemActor) -> bool:
    return isinstance(actor, SystemActor) or actor.role == Role.ADMIN


def may_manage_organisations(actor: Actor | SystemActor) -> bool:
    return isinstance(actor, SystemActor) or actor.role == Role.ADMIN


def may_read_audit(actor: Actor | SystemActor) -> bool:
    return isinstance(actor, SystemActor) or actor.role == Role.ADMIN


def can_see_token(actor: Actor | SystemActor, owner_id: UUID) -> bool:
    """A token is seen (listed, revoked) by its owner and by admins."""
    return isinstance(actor, SystemActor) or actor.role == Role.ADMIN or actor.id == owner_id


def may_create_token_for(actor: Actor | SystemActor, user_id: UUID) -> bool:
    """Only for oneself: an admin who wants a token as someone else must not be able to mint one."""
    return isinstance(actor, SystemActor) or actor.id == user_id


# --- evidence (app/evidence) ---------------------------------------------------------------


def can_see_evidence(
    actor: Actor,
    organisation_id: UUID,
    linked_assessments: Iterable[tuple[dict[str, Any], set[UUID]]] = (),
) -> bool:
    """Its organisation's data; or, for assessors and lead assessors, linked to an assessment
    they may see. `linked_assessments` pairs each linking assessment with its assigned assessors."""
    if can_see_organisation_data(actor, organisation_id):
        return True
    if actor.role in ASSESSOR_ROLES:
        return any(can_see_assessment(actor, a, assigned) for a, assigned in linked_assessments)
    return False


def can_change_evidence(actor: Actor, organisation_id: UUID) -> bool:
    """Upload or delete: the organisation's own department roles only."""
    return actor.role in DEPARTMENT_ROLES and actor.organisation_id == organisation_id


def can_publish_league_tables(actor: Actor) -> bool:
    """Only publishers publish and revise league tables (reading them is public)."""
    return actor.role == Role.PUBLISHER


def can_revoke_certificate(actor: Actor) -> bool:
    """Certificates are public; only a lead assessor may withdraw one."""
    return actor.role == Role.LEAD_ASSESSOR


def can_read_certificate_register(actor: Actor) -> bool:
    """The register of every certificate, with who revoked each and why: lead assessors, admins."""
    return actor.role in (Role.ADMIN, Role.LEAD_ASSESSOR)


def sees_every_certificate_review(actor: Actor) -> bool:
    """Who is shown review dates for every organisation's certificates (others see their own)."""
    return actor.role in (Role.ADMIN, Role.LEAD_ASSESSOR)


# --- action plans (app/actions) --------------------------------------------------------------


def can_read_action_plan(actor: Actor, organisation_id: UUID, reviewing: bool = False) -> bool:
    """Who may see the organisation's assessments: its own people, admins, lead assessors, and an
    assessor while `reviewing` one of its assessments (assigned to it, in review)."""
    if actor.role in (Role.ADMIN, Role.LEAD_ASSESSOR):
        return True
    if actor.role in DEPARTMENT_ROLES:
        return actor.organisation_id == organisation_id
    return actor.role == Role.ASSESSOR and reviewing


def can_change_actions(actor: Actor, organisation_id: UUID) -> bool:
    """The department's own leads and contributors keep its action plan."""
    return actor.role in DEPARTMENT_ROLES and actor.organisation_id == organisation_id
