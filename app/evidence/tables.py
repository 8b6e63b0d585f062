"""Evidence items: an organisation's uploaded documents, stored content-addressed."""

from piccolo.columns import UUID, BigInt, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User
from app.organisations.tables import Organisation


class Evidence(Table):
    id = UUID(primary_key=True)
    organisation = ForeignKey(Organisation, index=True)
    title = Varchar(length=200)
    description = Text(default="")
    filename = Varchar(length=255)  # sanitised original name, used for downloads
    media_type = Varchar(length=128)  # detected from content, never trusted from the client
    size = BigInt()
    sha256 = Varchar(length=64, index=True)  # the stored blob's name
    effective_on = Date(null=True, default=None)  # when the document was produced or approved
    uploaded_by = ForeignKey(User)
    uploaded_at = Timestamptz()


# What a search of a library looks in (app/search.py), as SQL names.
SEARCHED_COLUMNS = ("title", "filename", "description")
