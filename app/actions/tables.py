"""Action plans: each tracked action of a department, and the history of its progress."""

from piccolo.columns import UUID, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.assessments.tables import Assessment
from app.organisations.tables import Organisation


class PlanAction(Table, tablename="plan_action"):
    id = UUID(primary_key=True)
    organisation = ForeignKey(Organisation, index=True)
    title = Varchar(length=200)
    description = Text(default="")
    element_code = Varchar(length=64, null=True, default=None)  # the element it improves
    assessment = ForeignKey(Assessment, null=True, default=None)  # where the need was found
    owner = ForeignKey(User, null=True, default=None)  # one of the organisation's people
    due_on = Date()
    status = Varchar(length=16, default="open")  # actions.service.STATUSES
    created_by = ForeignKey(User)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ActionProgress(Table, tablename="action_progress"):
    """Each status change or progress note, kept as the action's history."""

    action = ForeignKey(PlanAction, index=True)
    at = Timestamptz()
    by = ForeignKey(User)
    status = Varchar(length=16)  # the status from then on
    progress_note = Text(default="")
