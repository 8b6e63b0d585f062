"""The outbox: one row per email to one person, each try at sending it, and who wants reminders."""

from piccolo.columns import JSON, UUID, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from app.accounts.tables import User


class Notification(Table):
    id = UUID(primary_key=True)
    event = Varchar(length=64)  # one of notifications.events.Event
    user = ForeignKey(User, index=True)  # who it is for
    recipient = Varchar(length=320)  # their email address when it was written
    subject = Varchar(length=300)
    context = JSON()  # what the email's template says (names, ids, the page's path)
    state = Varchar(length=16, default="pending", index=True)  # pending, sent or failed
    tries = Integer(default=0)  # since it was written, or since an administrator retried it
    last_error = Text(null=True, default=None)
    next_attempt_at = Timestamptz(index=True)  # when a sender may next try (pending only)
    created_at = Timestamptz(index=True)
    sent_at = Timestamptz(null=True, default=None)
    # A reminder's occasion ("certificate_expiring:{certificate}:{user}"), so that however often
    # the reminder pass runs, each occasion is written once. Events have none.
    key = Varchar(length=200, null=True, default=None, unique=True)


class NotificationAttempt(Table):
    """Each try at sending a notification, and what went wrong (None: the mail was accepted)."""

    notification = ForeignKey(Notification, index=True)
    at = Timestamptz()
    error = Text(null=True, default=None)


class ReminderChoice(Table):
    """A person who turned reminders off (or on again); no row means they get them."""

    user = ForeignKey(User, unique=True)
    reminders = Boolean(default=True)
    changed_at = Timestamptz()
