"""Loaded framework versions: immutable, keyed by slug and version."""

from piccolo.columns import JSON, UUID, Timestamptz, Varchar
from piccolo.table import Table


class FrameworkVersion(Table):
    id = UUID(primary_key=True)
    slug = Varchar(length=64, index=True)
    version = Varchar(length=32)
    title = Varchar(length=300)
    content = JSON()  # the file's data as loaded (canonical form is json with sorted keys)
    content_sha256 = Varchar(length=64)  # SHA-256 of the canonical content
    source_name = Varchar(length=300, default="")  # file name it was loaded from
    loaded_at = Timestamptz()
    # unique (slug, version): a unique index created in the migration
