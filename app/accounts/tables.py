"""People who use Charter, their sessions, API tokens and failed sign-ins."""

from piccolo.columns import (
    UUID,
    BigInt,
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.organisations.tables import Organisation


class User(Table, tablename="charter_user"):
    id = UUID(primary_key=True)
    email = Varchar(length=320, unique=True)  # stored lower-cased
    name = Varchar(length=200)
    role = Varchar(length=32)  # one of accounts.roles.Role
    organisation = ForeignKey(
        Organisation, null=True
    )  # department roles: their own; assessors: employer
    password_hash = Varchar(length=255, secret=True)  # argon2id PHC string
    active = Boolean(default=True)  # deactivated users keep their history but cannot sign in
    # Their password was chosen by an administrator: the web pages ask for their own first.
    must_change_password = Boolean(default=False)
    # Each session keeps the value it was begun with; adding one ends every session begun
    # before ("sign out of every other browser", or an admin ending someone's sessions).
    session_generation = Integer(default=0)
    created_at = Timestamptz()
    last_signed_in_at = Timestamptz(null=True, default=None)
    # Two-factor (TOTP, RFC 6238): the secret in use once confirmed, and when that was.
    totp_secret = Varchar(length=64, null=True, default=None, secret=True)
    totp_enabled_at = Timestamptz(null=True, default=None)
    # A secret offered at enrolment, kept until a code from it confirms it (or it is replaced).
    totp_pending_secret = Varchar(length=64, null=True, default=None, secret=True)
    # The last time step a code was accepted for: a code is never accepted twice.
    totp_last_step = BigInt(default=0)


class ApiToken(Table):
    id = UUID(primary_key=True)
    user = ForeignKey(User)
    name = Varchar(length=100)
    token_hash = Varchar(
        length=64, unique=True, secret=True
    )  # SHA-256 of the token; the token is shown once
    prefix = Varchar(length=12)  # first characters, so the owner can tell tokens apart
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class SessionEntry(Table):
    """Server-side session store shared by every app process."""

    key = Varchar(length=128, primary_key=True)
    value = Bytea()
    expires_at = Timestamptz(default=TimestamptzNow(), index=True)
    # Whose session it is (read from its data when stored), so a person can see theirs and end
    # one. Not a foreign key: a session outlives nothing, and it is only ever looked up by it.
    user_id = UUID(null=True, default=None, index=True)


class SignInAttempt(Table):
    """Failed sign-ins, counted per account and per client address for throttling."""

    email = Varchar(length=320, index=True)
    client = Varchar(length=64, index=True)
    at = Timestamptz(index=True)
    failures = Integer(default=1)


class RecoveryCode(Table):
    """Single-use codes for signing in without the authenticator app, shown once at enrolment."""

    user = ForeignKey(User, index=True)
    code_hash = Varchar(length=64, secret=True)  # SHA-256 of the code (80 random bits)
    used_at = Timestamptz(null=True, default=None)
