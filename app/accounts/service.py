"""Accounts: create users, sign in, and manage API tokens."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from uuid import UUID

from app import db
from app.accounts.actor import Actor
from app.accounts.auth import _actor_for
from app.accounts.password_rules import MAX_LENGTH, password_problem
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.accounts.roles import DEPARTMENT_ROLES, Role
from app.accounts.tables import ApiToken, User
from app.accounts.tokens import new_token, token_hash
from app.audit.service import record
from app.errors import Invalid, NotFound
from app.organisations.tables import Organisation

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def user_dict(row: dict[str, Any], organisation_slug: str | None = None) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "email": row["email"],
        "name": row["name"],
        "role": row["role"],
        "organisation": organisation_slug,
        "active": row["active"],
    }


async def create_user(
    actor: Any,
    email: str,
    name: str,
    role: str,
    password: str,
    organisation: str | None = None,
) -> dict[str, Any]:
    email, name = (email or "").strip().lower(), (name or "").strip()
    problems: dict[str, str] = {}
    if not EMAIL.match(email) or len(email) > 320:
        problems["email"] = "Enter an email address in the correct format, like name@example.gov.uk"
    if not name:
        problems["name"] = "Enter the person's name"
    if role not in Role.__members__.values():
        problems["role"] = f"Role must be one of: {', '.join(r.value for r in Role)}"
    elif role in DEPARTMENT_ROLES and not organisation:
        problems["organisation"] = "A department role needs the organisation the person belongs to"
    problem = password_problem(password or "", email, name)
    if problem:
        problems["password"] = problem
    org_id: UUID | None = None
    if organisation:
        org = await Organisation.select(Organisation.id).where(Organisation.slug == organisation).first()
        if org is None:
            problems["organisation"] = f"No organisation has slug '{organisation}'"
        else:
            org_id = org["id"]
    if not problems and await User.exists().where(User.email == email):
        problems["email"] = f"A user with email {email} already exists"
    if problems:
        raise Invalid(problems)
    hashed = await hash_password(password)
    async with db.transaction():
        if await User.exists().where(User.email == email):
            raise Invalid({"email": f"A user with email {email} already exists"})
        user = User(email=email, name=name, role=role, organisation=org_id, password_hash=hashed)
        await user.save()
        result = user_dict(user.to_dict(), organisation)
        await record(actor, "user.create", "user", user.id, after=result)
    return result


async def authenticate(email: str, password: str) -> Actor | None:
    """The actor for these credentials, or None. Costs the same whether or not the email exists."""
    email = (email or "").strip().lower()
    if len(password or "") > MAX_LENGTH:
        return None
    row = await User.select(User.id, User.password_hash, User.active).where(User.email == email).first()
    ok = await verify_password(row["password_hash"] if row else None, password or "")
    if not ok or row is None or not row["active"]:
        return None
    changes: dict[Any, Any] = {User.last_signed_in_at: dt.datetime.now(dt.UTC)}
    if needs_rehash(row["password_hash"]):
        changes[User.password_hash] = await hash_password(password)
    await User.update(changes).where(User.id == row["id"])
    return await _actor_for(row["id"])


async def create_token(actor: Any, user_email: str, name: str) -> dict[str, Any]:
    user = await User.select(User.id, User.active).where(User.email == user_email.strip().lower()).first()
    if user is None or not user["active"]:
        raise NotFound(f"No active user has email {user_email}")
    name = (name or "").strip() or "API token"
    if len(name) > 100:
        raise Invalid({"name": "Token name must be 100 characters or fewer"})
    token = new_token()
    async with db.transaction():
        row = ApiToken(user=user["id"], name=name, token_hash=token_hash(token), prefix=token[:12])
        await row.save()
        await record(actor, "token.create", "api_token", row.id, after={"user": user_email, "name": name})
    return {"id": str(row.id), "name": name, "token": token}
