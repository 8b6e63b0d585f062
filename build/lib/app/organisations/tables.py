"""Departments, agencies and other public bodies that are assessed."""

from piccolo.columns import UUID, ForeignKey, Timestamptz, Varchar
from piccolo.table import Table


class Organisation(Table):
    id = UUID(primary_key=True)
    slug = Varchar(length=64, unique=True)  # stable public identifier, e.g. "hmrc"
    name = Varchar(length=200)
    kind = Varchar(length=32, default="department")  # see organisations.kinds
    parent = ForeignKey("self", null=True)  # type: ignore[var-annotated]  # an agency's sponsoring department
    created_at = Timestamptz()
