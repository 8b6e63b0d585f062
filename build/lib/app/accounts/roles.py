"""The roles of contract.md; each user has exactly one."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    PUBLISHER = "publisher"
    LEAD_ASSESSOR = "lead_assessor"
    ASSESSOR = "assessor"
    DEPT_LEAD = "dept_lead"
    DEPT_CONTRIBUTOR = "dept_contributor"


DEPARTMENT_ROLES = frozenset({Role.DEPT_LEAD, Role.DEPT_CONTRIBUTOR})
ASSESSOR_ROLES = frozenset({Role.ASSESSOR, Role.LEAD_ASSESSOR})

ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.PUBLISHER: "Publisher",
    Role.LEAD_ASSESSOR: "Lead assessor",
    Role.ASSESSOR: "Assessor",
    Role.DEPT_LEAD: "Department lead",
    Role.DEPT_CONTRIBUTOR: "Department contributor",
}
