"""Assessor assignments, moderated answers and certification decisions."""

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.assessments.tables import Assessment


class Assignment(Table):
    id = UUID(primary_key=True)
    assessment = ForeignKey(Assessment, index=True)
    assessor = ForeignKey(User, index=True)
    assigned_by = ForeignKey(User)
    assigned_at = Timestamptz()
    declaration = Text()  # the assessor's declaration of no conflict of interest
    active = Boolean(default=True)  # a reassignment deactivates the previous one


class Moderation(Table):
    """An assessor's moderated answer to one element."""

    id = UUID(primary_key=True)
    assessment = ForeignKey(Assessment, index=True)
    element_code = Varchar(length=64)
    score = Integer(null=True, default=None)
    not_applicable = Boolean(default=False)
    rationale = Text(default="")  # required when the score differs from the department's
    strength = Text(default="")
    improvement = Text(default="")
    revision = Integer(default=1)
    moderated_by = ForeignKey(User)
    updated_at = Timestamptz()
    # unique (assessment, element_code): a unique index created in the migration


class Decision(Table):
    id = UUID(primary_key=True)
    assessment = ForeignKey(Assessment, index=True)
    lead_assessor = ForeignKey(User)
    outcome = Varchar(length=16)  # confirm | refer_back
    note = Text(default="")
    award_code = Varchar(length=64, null=True, default=None)
    decided_at = Timestamptz()
