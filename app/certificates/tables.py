"""Certificates issued on a confirmed award."""

from piccolo.columns import UUID, Bytea, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.assessments.tables import Assessment
from app.frameworks.tables import FrameworkVersion
from app.organisations.tables import Organisation


class Certificate(Table):
    id = UUID(primary_key=True)  # public: printed on the certificate and in its verification link
    assessment = ForeignKey(Assessment, unique=True)
    organisation = ForeignKey(Organisation, index=True)
    issued_to = Varchar(length=200, default="")  # the organisation's name then: kept if renamed
    framework_version = ForeignKey(FrameworkVersion)
    award_code = Varchar(length=64)
    award_label = Varchar(length=200)
    issued_on = Date()
    expires_on = Date()
    review_due_on = Date()
    revoked_at = Timestamptz(null=True, default=None)
    revoked_reason = Text(null=True, default=None)
    revoked_by = ForeignKey(User, null=True)
    issued_at = Timestamptz(null=True, default=None)  # the moment of issue: the signing time
    base_url = Varchar(length=500, default="")  # the address in force at issue, in its links
    pdf = Bytea(null=True, default=None)  # rendered and signed at issue, then served unchanged
    pdf_sha256 = Varchar(length=64, null=True, default=None, index=True)  # finds an upload
