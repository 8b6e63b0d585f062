"""The service navigation each role sees: the places that role works in, the same on every page."""

from __future__ import annotations

from typing import Any

from app.accounts.roles import Role

_PUBLIC = [
    {"href": "/league-tables", "text": "League tables"},
    {"href": "/verify", "text": "Check a certificate"},
]

_DEPARTMENT = [
    {"href": "/assessments", "text": "Assessments"},
    {"href": "/evidence", "text": "Evidence"},
    {"href": "/frameworks", "text": "Frameworks"},
]

_BY_ROLE: dict[Role, list[dict[str, str]]] = {
    Role.DEPT_LEAD: _DEPARTMENT,
    Role.DEPT_CONTRIBUTOR: _DEPARTMENT,
    Role.ASSESSOR: [
        {"href": "/moderation/assigned", "text": "My assessments"},
        {"href": "/frameworks", "text": "Frameworks"},
    ],
    Role.LEAD_ASSESSOR: [
        {"href": "/moderation/queue", "text": "Queue"},
        {"href": "/calibration", "text": "Calibration"},
        {"href": "/certificates", "text": "Certificates"},
        {"href": "/assessments", "text": "Assessments"},
        {"href": "/frameworks", "text": "Frameworks"},
    ],
    Role.PUBLISHER: [
        {"href": "/league-tables", "text": "League tables"},
        {"href": "/league-tables/new", "text": "Publish"},
        {"href": "/assessments", "text": "Results"},
    ],
    Role.ADMIN: [
        {"href": "/admin/users", "text": "Users"},
        {"href": "/admin/organisations", "text": "Organisations"},
        {"href": "/assessments", "text": "Assessments"},
        {"href": "/moderation/queue", "text": "Queue"},
        {"href": "/evidence", "text": "Evidence"},
        {"href": "/league-tables", "text": "League tables"},
        {"href": "/certificates", "text": "Certificates"},
        {"href": "/frameworks", "text": "Frameworks"},
        {"href": "/admin/audit", "text": "Audit"},
        {"href": "/admin/notifications", "text": "Emails"},
    ],
}


def nav_for(user: Any) -> list[dict[str, str]]:
    """Links for the signed-in user's role, or the public pages when signed out."""
    if user is None:
        return list(_PUBLIC)
    role = getattr(user, "role", None)
    if role not in Role.__members__.values():
        return []
    items = list(_BY_ROLE.get(Role(str(role)), []))
    items.append({"href": "/account/tokens", "text": "API tokens"})
    return items
