"""Assessments, the department's responses, their evidence links and status history."""

from piccolo.columns import (
    JSON,
    UUID,
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.accounts.tables import User
from app.evidence.tables import Evidence
from app.frameworks.tables import FrameworkVersion
from app.organisations.tables import Organisation


class Assessment(Table):
    id = UUID(primary_key=True)
    organisation = ForeignKey(Organisation, index=True)
    framework_version = ForeignKey(FrameworkVersion)  # pinned for life
    status = Varchar(length=16, default="draft", index=True)  # assessments.lifecycle.Status
    created_by = ForeignKey(User)
    created_at = Timestamptz()
    submitted_at = Timestamptz(null=True, default=None)  # latest submission
    concluded_at = Timestamptz(null=True, default=None)
    return_reason = Text(null=True, default=None)  # the assessor's latest reason when returned
    return_elements = JSON(default="[]")  # element codes the assessor asked to revisit
    self_result = JSON(null=True, default=None)  # {overall, themes} exact strings, set on submit
    moderated_result = JSON(null=True, default=None)  # set on complete
    award_code = Varchar(length=64, null=True, default=None)  # set on decide(confirm)
    award_label = Varchar(length=200, null=True, default=None)
    moderated_percent = Varchar(length=64, null=True, default=None)  # exact, for league tables


class Response(Table):
    """The department's answer to one element."""

    id = UUID(primary_key=True)
    assessment = ForeignKey(Assessment, index=True)
    element_code = Varchar(length=64)
    score = Integer(null=True, default=None)
    not_applicable = Boolean(default=False)
    narrative = Text(default="")  # also holds the N/A justification
    revision = Integer(default=1)  # optimistic concurrency: a save must name the revision it read
    updated_by = ForeignKey(User, null=True)
    updated_at = Timestamptz()
    changed_since_submission = Boolean(default=False)  # highlighted to the assessor on resubmission
    # unique (assessment, element_code): a unique index created in the migration


class ResponseEvidence(Table):
    response = ForeignKey(Response, index=True)
    evidence = ForeignKey(Evidence, index=True)
    # unique (response, evidence): a unique index created in the migration


class StatusChange(Table):
    """Every lifecycle transition, for the timeline shown on an assessment."""

    assessment = ForeignKey(Assessment, index=True)
    from_status = Varchar(length=16)
    to_status = Varchar(length=16)
    action = Varchar(length=32)
    by = ForeignKey(User, null=True)
    at = Timestamptz()
    note = Text(default="")
