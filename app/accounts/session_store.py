"""A Litestar session store kept in the database, so several app processes share sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import msgspec
from litestar.stores.base import Store

from app import db
from app.accounts.auth import SESSION_USER
from app.accounts.tables import SessionEntry


def _key(key: str) -> str:
    # Only a hash of the session id is stored: a leaked table does not hand out live sessions.
    return hashlib.sha256(key.encode()).hexdigest()


def stored_key(session_id: str) -> str:
    """The key a session id is stored under (and named by on the account page)."""
    return _key(session_id)


def owner_of(data: bytes) -> uuid.UUID | None:
    """The signed-in person a session's data (Litestar's JSON) belongs to, if any."""
    try:
        session = msgspec.json.decode(data)
        return uuid.UUID(str(session[SESSION_USER])) if isinstance(session, dict) else None
    except (msgspec.DecodeError, KeyError, ValueError):
        return None


def _expiry(expires_in: int | dt.timedelta | None) -> dt.datetime:
    seconds = expires_in.total_seconds() if isinstance(expires_in, dt.timedelta) else expires_in
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds or 86400)


# Renewing on every request would make every page view a database write; a minute's slack
# in the idle time-out costs nothing.
RENEW_SLACK = dt.timedelta(minutes=1)


def worth_renewing(expires_at: dt.datetime, renew_for: int | dt.timedelta) -> bool:
    return _expiry(renew_for) - expires_at >= RENEW_SLACK


# Read on every signed-in request: hand-written, as building it with Piccolo cost more CPU than
# the database took to answer.
_READ_SQL = f"SELECT value, expires_at FROM {SessionEntry._meta.tablename} WHERE key = {{}}"  # noqa: S608


class DatabaseStore(Store):
    async def set(
        self, key: str, value: str | bytes, expires_in: int | dt.timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        hashed, expires_at, owner = _key(key), _expiry(expires_in), owner_of(data)
        updated = (
            await SessionEntry.update(
                {
                    SessionEntry.value: data,
                    SessionEntry.expires_at: expires_at,
                    SessionEntry.user_id: owner,
                }
            )
            .where(SessionEntry.key == hashed)
            .returning(SessionEntry.key)
        )
        if not updated:
            entry = SessionEntry(key=hashed, value=data, expires_at=expires_at, user_id=owner)
            await SessionEntry.insert(entry)

    async def read(self, key: str) -> tuple[bytes, dt.datetime] | None:
        """The live session's data and when it expires; an expired one is deleted."""
        hashed = _key(key)
        rows = await db.read_by_key(SessionEntry, _READ_SQL, hashed)
        if not rows:
            return None
        row = rows[0]
        if row["expires_at"] <= dt.datetime.now(dt.UTC):
            await SessionEntry.delete().where(SessionEntry.key == hashed)
            return None
        return bytes(row["value"]), row["expires_at"]

    async def get(self, key: str, renew_for: int | dt.timedelta | None = None) -> bytes | None:
        found = await self.read(key)
        if found is None:
            return None
        value, expires_at = found
        if renew_for and worth_renewing(expires_at, renew_for):
            await SessionEntry.update({SessionEntry.expires_at: _expiry(renew_for)}).where(
                SessionEntry.key == _key(key)
            )
        return value

    async def delete(self, key: str) -> None:
        await SessionEntry.delete().where(SessionEntry.key == _key(key))

    async def delete_all(self) -> None:
        await SessionEntry.delete(force=True)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = (
            await SessionEntry.select(SessionEntry.expires_at)
            .where(SessionEntry.key == _key(key))
            .first()
        )
        if row is None:
            return None
        return max(0, int((row["expires_at"] - dt.datetime.now(dt.UTC)).total_seconds()))

    async def delete_expired(self) -> None:
        await SessionEntry.delete().where(SessionEntry.expires_at <= dt.datetime.now(dt.UTC))
