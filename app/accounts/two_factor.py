"""Two-factor sign-in: TOTP (RFC 6238) enrolment, each code accepted once, single-use recovery codes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from uuid import UUID

import pyotp
import segno

from app import db
from app.accounts import policy
from app.accounts.actor import Actor, SystemActor
from app.accounts.tables import RecoveryCode, User
from app.audit.service import record
from app.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

STEP = 30  # seconds a code lasts (RFC 6238's default, which every authenticator app uses)
DRIFT = 1  # steps either side accepted, for a phone's clock a little out
RECOVERY_CODES = 10
ISSUER = "Charter"
# No 0/o, 1/l/i: read off paper and typed by hand. 16 of 31 symbols is 79 random bits.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 16
WRONG_CODE = "The code is not correct. Enter the 6-digit code your authenticator app shows now"
NO_CODE = "Enter the 6-digit code from your authenticator app"


class SecondFactorRequired(DomainError):
    """The password was right but a code is due (or the one sent was wrong): no session yet."""

    status_code = 401

    def __init__(self, message: str = "Enter the code from your authenticator app") -> None:
        super().__init__(message, two_factor_required=True)


@dataclass(frozen=True)
class Enrolment:
    """A secret offered to the person, not yet confirmed by a code from it."""

    secret: str
    otpauth_uri: str

    @property
    def qr_code(self) -> str:
        """The otpauth URI as a QR code, an SVG data URI for an <img> (the CSP allows data:)."""
        return str(segno.make(self.otpauth_uri, error="m").svg_data_uri(scale=5, border=2))

    @property
    def grouped_secret(self) -> str:
        """The secret in groups of four, for typing into an app by hand."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))

    def as_dict(self) -> dict[str, str]:
        return {"secret": self.secret, "otpauth_uri": self.otpauth_uri}


def must_enrol(role: str, enrolled: bool, roles: frozenset[str]) -> bool:
    return role in roles and not enrolled


def recovery_hash(code: str) -> str:
    """SHA-256 of the code as typed without spaces, hyphens or capitals. No salt or slow hash is
    needed: the codes are random (79 bits), like API tokens, not chosen by people."""
    return hashlib.sha256(re.sub(r"[\s-]", "", code).lower().encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def _enrolment(secret: str, email: str) -> Enrolment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    return Enrolment(secret, uri)


def matching_step(secret: str, code: str, after_step: int, now: float | None = None) -> int | None:
    """The time step whose code `code` is, if it is later than `after_step` and within DRIFT of
    now; None otherwise."""
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if step > after_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


async def start_enrolment(actor: Actor) -> Enrolment:
    """A new secret for the person to add to their app; the one in use (if any) stays in use
    until a code from the new one confirms it."""
    secret = pyotp.random_base32()
    async with db.transaction():
        await User.update({User.totp_pending_secret: secret}).where(User.id == actor.id)
        await record(actor, "user.two_factor_enrolment_start", "user", actor.id)
    return _enrolment(secret, actor.email)


async def pending_enrolment(actor: Actor) -> Enrolment | None:
    row = await User.select(User.totp_pending_secret).where(User.id == actor.id).first()
    if row is None or not row["totp_pending_secret"]:
        return None
    return _enrolment(row["totp_pending_secret"], actor.email)


async def confirm_enrolment(actor: Actor, code: str) -> list[str]:
    """A code from the offered secret turns two-factor on with it; returns ten new recovery
    codes (shown this once: only their hashes are kept), replacing any earlier ones."""
    row = (
        await User.select(User.totp_pending_secret, User.totp_enabled_at)
        .where(User.id == actor.id)
        .first()
    )
    if row is None or not row["totp_pending_secret"]:
        raise Conflict("Start setting up two-factor authentication first")
    if not (code or "").strip():
        raise Invalid({"code": NO_CODE})
    step = matching_step(row["totp_pending_secret"], code, 0)
    if step is None:
        raise Invalid({"code": WRONG_CODE})
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    async with db.transaction():
        await User.update(
            {
                User.totp_secret: row["totp_pending_secret"],
                User.totp_pending_secret: None,
                User.totp_enabled_at: dt.datetime.now(dt.UTC),
                User.totp_last_step: step,
            }
        ).where(User.id == actor.id)
        await RecoveryCode.delete().where(RecoveryCode.user == actor.id)
        await RecoveryCode.insert(
            *(RecoveryCode(user=actor.id, code_hash=recovery_hash(c)) for c in codes)
        )
        await record(
            actor,
            "user.two_factor_enrol",
            "user",
            actor.id,
            after={"re_enrolled": row["totp_enabled_at"] is not None},
        )
    return codes


async def check_code(user_id: UUID, code: str) -> str | None:
    """How `code` proves the second factor ("totp" or "recovery_code"), or None if it does not.
    Each TOTP step and each recovery code is accepted once only, even by two requests at once."""
    row = await User.select(User.totp_secret, User.totp_last_step).where(User.id == user_id).first()
    if row is None or not row["totp_secret"] or not (code or "").strip():
        return None
    step = matching_step(row["totp_secret"], code, int(row["totp_last_step"]))
    if step is not None:
        taken = (
            await User.update({User.totp_last_step: step})
            .where((User.id == user_id) & (User.totp_last_step < step))
            .returning(User.id)
        )
        return "totp" if taken else None
    used = (
        await RecoveryCode.update({RecoveryCode.used_at: dt.datetime.now(dt.UTC)})
        .where(
            (RecoveryCode.user == user_id)
            & (RecoveryCode.code_hash == recovery_hash(code))
            & RecoveryCode.used_at.is_null()
        )
        .returning(RecoveryCode.used_at)
    )
    return "recovery_code" if used else None


async def recovery_codes_left(user_id: UUID) -> int:
    return await RecoveryCode.count().where(
        (RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null()
    )


async def reset(actor: Actor | SystemActor, user_id: UUID) -> dict[str, bool]:
    """An administrator turns off someone's second factor (a lost phone): they sign in with their
    password alone and, if their role needs one, set it up again before anything else."""
    if not policy.may_manage_users(actor):
        raise Forbidden("Only an administrator can reset someone's two-factor authentication")
    if isinstance(actor, Actor) and actor.id == user_id:
        raise Forbidden("You cannot reset your own two-factor authentication: set it up again")
    async with db.transaction():
        row = await User.select(User.totp_enabled_at).where(User.id == user_id).first()
        if row is None:
            raise NotFound("No user has this id")
        await User.update(
            {User.totp_secret: None, User.totp_pending_secret: None, User.totp_enabled_at: None}
        ).where(User.id == user_id)
        await RecoveryCode.delete().where(RecoveryCode.user == user_id)
        await record(
            actor,
            "user.two_factor_reset",
            "user",
            user_id,
            before={"two_factor": row["totp_enabled_at"] is not None},
            after={"two_factor": False},
        )
    return {"two_factor": False}
