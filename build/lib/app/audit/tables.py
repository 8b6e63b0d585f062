"""The append-only, hash-chained record of every change."""

from piccolo.columns import JSON, BigSerial, Timestamptz, Varchar
from piccolo.table import Table


class AuditRecord(Table):
    id = BigSerial(primary_key=True)  # order of the chain
    at = Timestamptz()
    actor_id = Varchar(length=64, null=True)  # user id; null for the system or the CLI
    actor_label = Varchar(length=320)  # email or "cli"/"system", kept even if the user changes
    action = Varchar(length=64)  # e.g. "assessment.submit"
    object_type = Varchar(length=64)
    object_id = Varchar(length=64)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64, unique=True)
