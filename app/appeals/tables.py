"""Appeals: a department's appeal against a certification decision, and how it was decided."""

from piccolo.columns import UUID, ForeignKey, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.assessments.tables import Assessment


class Appeal(Table):
    id = UUID(primary_key=True)
    assessment = ForeignKey(Assessment, index=True)
    grounds = Text()
    status = Varchar(length=16, default="open")  # open | decided
    outcome = Varchar(length=16, null=True, default=None)  # upheld | dismissed
    note = Text(default="")  # the deciding lead assessor's reasons
    lodged_by = ForeignKey(User)
    lodged_at = Timestamptz()
    decided_by = ForeignKey(User, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
