"""Accounts: sign-in, and the people who use Charter (create, list, change role, deactivate)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from app import db, search
from app.accounts import policy, throttle, two_factor
from app.accounts.actor import Actor, SystemActor
from app.accounts.auth import actor_from_row
from app.accounts.password_rules import MAX_LENGTH, password_problem
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.accounts.roles import DEPARTMENT_ROLES, Role
from app.accounts.tables import ApiToken, User
from app.accounts.tokens import new_token, token_hash
from app.audit.service import record
from app.errors import Forbidden, Invalid, NotFound
from app.names import direction_problem, name_problem
from app.organisations.tables import Organisation

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PER_PAGE = 50

AnyActor = Actor | SystemActor


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def user_dict(row: dict[str, Any], organisation_slug: str | None = None) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "email": row["email"],
        "name": row["name"],
        "role": row["role"],
        "organisation": organisation_slug,
        "active": row["active"],
        "must_change_password": bool(row["must_change_password"]),
        "two_factor": row.get("totp_enabled_at") is not None,
    }


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


async def _organisation_id(slug: str | None, problems: dict[str, str]) -> UUID | None:
    if not slug:
        return None
    org = await Organisation.select(Organisation.id).where(Organisation.slug == slug).first()
    if org is None:
        problems["organisation"] = f"No organisation has slug '{slug}'"
        return None
    return org["id"]


def _role_problems(role: str, organisation: str | None) -> dict[str, str]:
    if role not in {r.value for r in Role}:
        return {"role": f"Role must be one of: {', '.join(r.value for r in Role)}"}
    if role in DEPARTMENT_ROLES and not organisation:
        return {"organisation": "A department role needs the organisation the person belongs to"}
    return {}


def _identity_problems(email: str, name: str) -> dict[str, str]:
    """What is wrong with a (normalised) email address and (stripped) name, by field."""
    problems: dict[str, str] = {}
    if not EMAIL.match(email) or len(email) > 320:
        problems["email"] = "Enter an email address in the correct format, like name@example.gov.uk"
    problem = name_problem(name, "Enter the person's name")
    if problem:
        problems["name"] = problem
    return problems


async def create_user(
    actor: AnyActor,
    email: str,
    name: str,
    role: str,
    password: str,
    organisation: str | None = None,
    *,
    temporary_password: bool = False,
) -> dict[str, Any]:
    """A new user. `temporary_password`: someone other than the person chose it (an admin on the
    web or through the API), so the web pages ask them for their own before anything else."""
    _require(policy.may_manage_users(actor), "Only an administrator can create users")
    email, name, role = normalise_email(email), (name or "").strip(), (role or "").strip()
    organisation = (organisation or "").strip() or None
    problems = _identity_problems(email, name)
    problems.update(_role_problems(role, organisation))
    problem = password_problem(password or "", email, name)
    if problem:
        problems["password"] = problem
    org_id = await _organisation_id(organisation, problems)
    if not problems and await User.exists().where(User.email == email):
        problems["email"] = f"A user with email {email} already exists"
    if problems:
        raise Invalid(problems)
    hashed = await hash_password(password)
    async with db.transaction():
        if await User.exists().where(User.email == email):
            raise Invalid({"email": f"A user with email {email} already exists"})
        user = User(
            email=email,
            name=name,
            role=role,
            organisation=org_id,
            password_hash=hashed,
            must_change_password=temporary_password,
        )
        await user.save()
        result = user_dict(user.to_dict(), organisation)
        await record(actor, "user.create", "user", user.id, after=result)
    return result


@dataclass(frozen=True)
class Authenticated:
    actor: Actor
    password_hash: str  # as stored after this sign-in (which may have upgraded it)
    session_generation: int  # the session begun now carries it (auth.SESSION_GENERATION)
    two_factor: bool = False  # the person has a second factor: it is asked before a session


_SIGN_IN_COLUMNS = (
    User.id,
    User.email,
    User.name,
    User.role,
    User.organisation,
    User.must_change_password,
    User.password_hash,
    User.active,
    User.session_generation,
    User.totp_enabled_at,
)

ONLY_ADMINS_USE_PASSWORDS = (
    "Sign in with your organisation's account: password sign-in is for administrators only"
)


async def authenticate(
    email: str, password: str, client: str | None = None, *, admins_only: bool = False
) -> Authenticated | None:
    """Who these credentials belong to, or None. Costs the same whether or not the email exists;
    raises TooManyAttempts (for any email, known or not) after repeated failures. Someone with a
    second factor is not signed in yet (`two_factor`): `finish_sign_in` follows a right code.
    `admins_only`: password sign-in is off for everyone else (they sign in through OIDC)."""
    email, password = normalise_email(email), password or ""
    await throttle.check(email, client)
    row, ok = None, False
    if len(password) <= MAX_LENGTH:
        row = await User.select(*_SIGN_IN_COLUMNS).where(User.email == email).first()
        ok = await verify_password(row["password_hash"] if row else None, password)
    if not ok or row is None or not row["active"]:
        await throttle.record_failure(email, client)
        return None
    if admins_only and row["role"] != "admin":
        raise Forbidden(ONLY_ADMINS_USE_PASSWORDS)
    password_hash = row["password_hash"]
    if needs_rehash(password_hash):
        password_hash = await hash_password(password)
        await User.update({User.password_hash: password_hash}).where(User.id == row["id"])
    found = Authenticated(
        actor_from_row(row),
        password_hash,
        row["session_generation"],
        two_factor=row["totp_enabled_at"] is not None,
    )
    if found.two_factor:  # the failures so far are forgiven only after the code too
        return found
    await finish_sign_in(found.actor, "password")
    return found


async def finish_sign_in(actor: Actor, method: str, second_factor: str | None = None) -> None:
    """Record a completed sign-in: `method` "password" or "oidc", and the second factor used
    ("totp", "recovery_code", "provider" when the identity provider asked for one)."""
    await throttle.clear(actor.email)
    how: dict[str, Any] = {"method": method}
    if second_factor:
        how["second_factor"] = second_factor
    async with db.transaction():
        await User.update({User.last_signed_in_at: dt.datetime.now(dt.UTC)}).where(
            User.id == actor.id
        )
        await record(actor, "user.sign_in", "user", actor.id, after=how)


def _authenticated(row: dict[str, Any]) -> Authenticated:
    return Authenticated(
        actor_from_row(row),
        row["password_hash"],
        row["session_generation"],
        two_factor=row["totp_enabled_at"] is not None,
    )


NO_ACCOUNT = (
    "There is no account for {email}. Signing in with your organisation's account does not "
    "create one: ask an administrator to add you, using this email address."
)
DEACTIVATED = (
    "The account for {email} has been deactivated, so it cannot sign in. Ask an administrator "
    "if you need it again."
)


async def account_for_sign_in_by_email(email: str) -> Authenticated:
    """The active user with this (verified) email address, any case, for a single sign-on;
    Forbidden saying why not. An account is never created by signing in."""
    email = normalise_email(email)
    row = await User.select(*_SIGN_IN_COLUMNS).where(User.email == email).first()
    if row is None:
        raise Forbidden(NO_ACCOUNT.format(email=email))
    if not row["active"]:
        raise Forbidden(DEACTIVATED.format(email=email))
    return _authenticated(row)


async def pending_user(user_id: Any) -> Authenticated | None:
    """The active user a pending sign-in (password or OIDC done, code not yet) is for."""
    row = await User.select(*_SIGN_IN_COLUMNS).where(User.id == user_id).first()
    if row is None or not row["active"]:
        return None
    return _authenticated(row)


async def check_second_factor(actor: Actor, code: str, client: str | None) -> str | None:
    """The code typed after the password: how it proved the second factor, or None. Wrong codes
    count towards the same per-account throttle as wrong passwords (TooManyAttempts)."""
    await throttle.check(actor.email, client)
    how = await two_factor.check_code(actor.id, code)
    if how is None:
        await throttle.record_failure(actor.email, client)
    return how


async def change_password(actor: Actor, current: str, new: str) -> str:
    """The signed-in person replaces their own password, proving they know the current one.
    Returns the new password's hash: the session that changed it keeps going with it, while
    every other session of theirs ends (auth.password_stamp)."""
    row = await User.select(User.password_hash).where(User.id == actor.id).first()
    if row is None:
        raise NotFound("No such user")
    problems: dict[str, str] = {}  # messages, not passwords:
    if not current:
        problems["current_password"] = "Enter your current password"  # noqa: S105
    elif len(current) > MAX_LENGTH or not await verify_password(row["password_hash"], current):
        problems["current_password"] = "Your current password is incorrect"  # noqa: S105
    problem = password_problem(new or "", actor.email, actor.name)
    if problem:
        problems["new_password"] = problem
    elif new == current:
        problems["new_password"] = "New password must differ from your current password"  # noqa: S105
    if problems:
        raise Invalid(problems)
    hashed = await hash_password(new)
    async with db.transaction():
        await User.update({User.password_hash: hashed, User.must_change_password: False}).where(
            User.id == actor.id
        )
        await record(actor, "user.password_change", "user", actor.id)
    return hashed


def _user_columns() -> list[Any]:
    return [
        User.id,
        User.email,
        User.name,
        User.role,
        User.active,
        User.must_change_password,
        User.organisation,
        User.created_at,
        User.last_signed_in_at,
        User.totp_enabled_at,
        User.organisation.slug.as_alias("organisation_slug"),
        User.organisation.name.as_alias("organisation_name"),
    ]


_SEARCHED = (f"{User._meta.tablename}.name", f"{User._meta.tablename}.email")


async def list_users(
    actor: AnyActor,
    page: int = 1,
    per_page: int = PER_PAGE,
    search_text: str | None = None,
    organisation: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of users, by name, and how many there are in all; with `search_text`, only those
    with every word of it in their name or email address (app/search.py); with `organisation`
    (a slug), only its people (its staff, and assessors it employs). Invalid (naming `q`) if the
    search is too long; NotFound naming an unknown organisation."""
    _require(policy.may_manage_users(actor), "Only an administrator can list users")
    words = search.words_of(search_text)
    page = max(page, 1)
    count, select = User.count(), User.select(*_user_columns())
    if words:
        count = count.where(search.where(words, _SEARCHED))
        select = select.where(search.where(words, _SEARCHED))
    if organisation:
        problems: dict[str, str] = {}
        org_id = await _organisation_id(organisation, problems)
        if org_id is None:
            raise NotFound(problems["organisation"])
        count = count.where(User.organisation == org_id)
        select = select.where(User.organisation == org_id)
    total = await count
    if (page - 1) * per_page >= total:  # past the end (and no offset too big for SQL)
        return [], total
    rows = (
        await select.order_by(User.name)
        .order_by(User.email)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return rows, total


async def _user_row(user_id: UUID) -> dict[str, Any]:
    row = await User.select(*_user_columns()).where(User.id == user_id).first()
    if row is None:
        raise NotFound("No user has this id")
    return row


async def get_user(actor: AnyActor, user_id: UUID) -> dict[str, Any]:
    _require(policy.may_manage_users(actor), "Only an administrator can see other users")
    return await _user_row(user_id)


async def own_account(actor: Actor) -> dict[str, Any]:
    """The signed-in person's own details, for their account page."""
    return await _user_row(actor.id)


def _not_self(actor: AnyActor, user_id: UUID, doing: str) -> None:
    if isinstance(actor, Actor) and actor.id == user_id:
        raise Forbidden(f"You cannot {doing} your own account: ask another administrator")


async def change_role(
    actor: AnyActor, user_id: UUID, role: str, organisation: str | None = None
) -> dict[str, Any]:
    """A new role (and the organisation that goes with it) for someone else."""
    _require(policy.may_manage_users(actor), "Only an administrator can change a role")
    role, organisation = (role or "").strip(), (organisation or "").strip() or None
    problems = _role_problems(role, organisation)
    org_id = await _organisation_id(organisation, problems)
    if problems:
        raise Invalid(problems)
    async with db.transaction():
        before = await get_user(actor, user_id)
        _not_self(actor, user_id, "change the role of")
        await User.update({User.role: role, User.organisation: org_id}).where(User.id == user_id)
        after = await get_user(actor, user_id)
        await record(
            actor,
            "user.role_change",
            "user",
            user_id,
            before={"role": before["role"], "organisation": before["organisation_slug"]},
            after={"role": role, "organisation": organisation},
        )
    return user_dict(after, after["organisation_slug"])


async def change_details(
    actor: AnyActor, user_id: UUID, email: str | None = None, name: str | None = None
) -> dict[str, Any]:
    """A new name or email address for someone (a marriage, a department renamed); None keeps
    what is there. They sign in with the new address from then on; their sessions and tokens
    go on, and the audit trail keeps the old ones in this change's record."""
    _require(policy.may_manage_users(actor), "Only an administrator can change a user's details")
    async with db.transaction():
        row = await get_user(actor, user_id)
        new_email = row["email"] if email is None else normalise_email(email)
        new_name = row["name"] if name is None else name.strip()
        problems = _identity_problems(new_email, new_name)
        taken = User.exists().where((User.email == new_email) & (User.id != user_id))
        if not problems and new_email != row["email"] and await taken:
            problems["email"] = f"A user with email {new_email} already exists"
        if problems:
            raise Invalid(problems)
        if (new_email, new_name) != (row["email"], row["name"]):
            await User.update({User.email: new_email, User.name: new_name}).where(
                User.id == user_id
            )
            await record(
                actor,
                "user.details_change",
                "user",
                user_id,
                before={"email": row["email"], "name": row["name"]},
                after={"email": new_email, "name": new_name},
            )
        row["email"], row["name"] = new_email, new_name
    return user_dict(row, row["organisation_slug"])


async def user_id_for(email: str) -> UUID:
    """The id of the user with this email (any case); NotFound naming it otherwise."""
    row = await User.select(User.id).where(User.email == normalise_email(email)).first()
    if row is None:
        raise NotFound(f"No user has the email address {normalise_email(email)}")
    return row["id"]


async def set_password(actor: AnyActor, user_id: UUID, password: str) -> dict[str, Any]:
    """An administrator gives someone else a new password, for a person who forgot theirs: the web
    pages then ask that person for their own before anything else. Every session they had ends
    (auth.password_stamp); their API tokens go on working (deactivating someone ends both)."""
    _require(policy.may_manage_users(actor), "Only an administrator can set a user's password")
    row = await get_user(actor, user_id)
    if isinstance(actor, Actor) and actor.id == user_id:
        raise Forbidden("Change your own password on your account page, /account/password")
    problem = password_problem(password or "", row["email"], row["name"])
    if problem:
        raise Invalid({"password": problem})
    hashed = await hash_password(password)
    async with db.transaction():
        await User.update({User.password_hash: hashed, User.must_change_password: True}).where(
            User.id == user_id
        )
        await record(actor, "user.password_set", "user", user_id)
    row["must_change_password"] = True
    return user_dict(row, row["organisation_slug"])


async def set_active(actor: AnyActor, user_id: UUID, active: bool) -> dict[str, Any]:
    """Deactivate (or reactivate) someone: they keep their history but cannot sign in, and their
    sessions and API tokens end, so that reactivating them does not bring old ones back."""
    _require(policy.may_manage_users(actor), "Only an administrator can deactivate users")
    async with db.transaction():
        row = await get_user(actor, user_id)
        _not_self(actor, user_id, "deactivate" if not active else "reactivate")
        revoked = 0
        if row["active"] != active:
            changes: dict[Any, Any] = {User.active: active}
            if not active:
                # Their sessions end now, not at their next request: reactivating them before
                # then must not bring a session back.
                changes[User.session_generation] = User.session_generation + 1
            await User.update(changes).where(User.id == user_id)
            if not active:
                revoked_rows = (
                    await ApiToken.update({ApiToken.revoked_at: dt.datetime.now(dt.UTC)})
                    .where((ApiToken.user == user_id) & ApiToken.revoked_at.is_null())
                    .returning(ApiToken.id)
                )
                revoked = len(revoked_rows)
            after: dict[str, Any] = {"active": active}
            if revoked:
                after["tokens_revoked"] = revoked
            action = "user.reactivate" if active else "user.deactivate"
            await record(
                actor, action, "user", user_id, before={"active": row["active"]}, after=after
            )
        row["active"] = active
    return user_dict(row, row["organisation_slug"])


async def _next_session_generation(actor: AnyActor, user_id: UUID, why: str) -> int:
    """Raise the user's session generation, which ends every session begun before (at its next
    request, see auth._session_current), and record it. Returns the new generation."""
    async with db.transaction():
        rows = (
            await User.update({User.session_generation: User.session_generation + 1})
            .where(User.id == user_id)
            .returning(User.session_generation)
        )
        if not rows:
            raise NotFound("No user has this id")
        generation = int(rows[0]["session_generation"])
        await record(actor, "user.sessions_end", "user", user_id, after={"sessions_ended": why})
    return generation


async def end_other_sessions(actor: Actor) -> int:
    """The person signs out of every browser but the one asking (with an API token: of every
    browser). Returns the generation the asking session carries on with."""
    why = "every session" if actor.via_token else "every other session"
    return await _next_session_generation(actor, actor.id, why)


async def end_sessions(actor: AnyActor, user_id: UUID) -> dict[str, Any]:
    """An administrator signs someone else out of every browser (a lost laptop, a shared
    computer left signed in). Their password and API tokens stay as they are."""
    _require(policy.may_manage_users(actor), "Only an administrator can end a user's sessions")
    row = await get_user(actor, user_id)
    if isinstance(actor, Actor) and actor.id == user_id:
        raise Forbidden("End your own other sessions on your account page, /account")
    await _next_session_generation(actor, user_id, "every session")
    return user_dict(row, row["organisation_slug"])


# --- API tokens -------------------------------------------------------------------------------


def token_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "prefix": row["prefix"],
        "created_at": row["created_at"].isoformat(),
        "last_used_at": row["last_used_at"].isoformat() if row["last_used_at"] else None,
        "revoked": row["revoked_at"] is not None,
        "revoked_at": row["revoked_at"].isoformat() if row["revoked_at"] else None,
    }


async def create_token(actor: AnyActor, user_email: str, name: str) -> dict[str, Any]:
    """A new token for this user: returned once, stored only as its hash."""
    user = (
        await User.select(User.id, User.active)
        .where(User.email == normalise_email(user_email))
        .first()
    )
    if user is None or not user["active"]:
        raise NotFound(f"No active user has email {user_email}")
    _require(
        policy.may_create_token_for(actor, user["id"]), "You can only create tokens for yourself"
    )
    name = (name or "").strip() or "API token"
    if len(name) > 100:
        raise Invalid({"name": "Token name must be 100 characters or fewer"})
    if problem := direction_problem(name):
        raise Invalid({"name": problem})
    token = new_token()
    async with db.transaction():
        row = ApiToken(user=user["id"], name=name, token_hash=token_hash(token), prefix=token[:12])
        await row.save()
        await record(
            actor,
            "token.create",
            "api_token",
            row.id,
            after={"user": normalise_email(user_email), "name": name, "prefix": row.prefix},
        )
    return {"id": str(row.id), "name": name, "prefix": row.prefix, "token": token}


TOKEN_COLUMNS = (
    ApiToken.id,
    ApiToken.name,
    ApiToken.prefix,
    ApiToken.created_at,
    ApiToken.last_used_at,
    ApiToken.revoked_at,
    ApiToken.user,
)
MAX_TOKENS_LISTED = 200


async def list_tokens(actor: AnyActor, user_id: UUID) -> list[dict[str, Any]]:
    """A user's tokens, newest first: their own, or anyone's for an admin."""
    if not policy.can_see_token(actor, user_id):
        raise NotFound("No user has this id")
    return (
        await ApiToken.select(*TOKEN_COLUMNS)
        .where(ApiToken.user == user_id)
        .order_by(ApiToken.created_at, ascending=False)
        .limit(MAX_TOKENS_LISTED)
    )


async def revoke_token(actor: AnyActor, token_id: UUID) -> dict[str, Any]:
    """Revoke a token (its owner or an admin); revoking it again changes nothing."""
    async with db.transaction():
        row = (
            await ApiToken.select(*TOKEN_COLUMNS, ApiToken.user.email.as_alias("owner_email"))
            .where(ApiToken.id == token_id)
            .first()
        )
        if row is None or not policy.can_see_token(actor, row["user"]):
            raise NotFound("No API token has this id")
        if row["revoked_at"] is None:
            row["revoked_at"] = dt.datetime.now(dt.UTC)
            await ApiToken.update({ApiToken.revoked_at: row["revoked_at"]}).where(
                ApiToken.id == token_id
            )
            await record(
                actor,
                "token.revoke",
                "api_token",
                token_id,
                before={"revoked": False},
                after={"revoked": True, "user": row["owner_email"], "name": row["name"]},
            )
    return token_dict(row)
