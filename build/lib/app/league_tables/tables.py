"""Published league tables: immutable snapshots of moderated, concluded results."""

from piccolo.columns import JSON, UUID, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User


class LeagueTable(Table):
    id = UUID(primary_key=True)
    framework_slug = Varchar(length=64, index=True)
    title = Varchar(length=200)
    as_of = Date()
    published_at = Timestamptz()
    published_by = ForeignKey(User)
    rows = JSON()  # the frozen rows, exactly as published
    revises = ForeignKey("self", null=True)  # type: ignore[var-annotated]  # the table this one corrects
    revision_reason = Text(null=True, default=None)
