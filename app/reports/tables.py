"""Board report PDFs kept once rendered: a concluded assessment's report changes only when what it
shows does (a later league table, a revoked certificate), so each is keyed by a hash of that."""

from piccolo.columns import Bytea, ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.assessments.tables import Assessment


class RenderedReport(Table):
    assessment = ForeignKey(Assessment, unique=True)  # only the latest rendering is kept
    content_sha256 = Varchar(length=64)  # of the report's HTML, its "generated on" date left out
    pdf = Bytea()
    rendered_at = Timestamptz(default=TimestamptzNow())
