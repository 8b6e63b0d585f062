"""The certificates register for lead assessors and admins: search, filter by status and framework,
a page at a time; and one certificate with its history (the decision, its issue, its revocation)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from piccolo.columns.combination import WhereRaw

from app import search
from app.accounts.actor import Actor
from app.accounts.policy import can_read_certificate_register, can_revoke_certificate
from app.accounts.tables import User
from app.audit.tables import AuditRecord
from app.certificates import terms
from app.certificates.service import parse_id, today
from app.certificates.tables import Certificate
from app.errors import Forbidden, Invalid, NotFound
from app.frameworks.tables import FrameworkVersion
from app.moderation.tables import Decision
from app.organisations.tables import Organisation

PER_PAGE = 50
FRAMEWORK_LIMIT = 200
HISTORY_LIMIT = 100
STATUSES = {
    "valid": "Valid",
    "expiring": "Expiring soon",
    "expired": "Expired",
    "revoked": "Revoked",
}
# Part of a certificate number as printed (hex digits and dashes): matched from its start.
NUMBER_PART = re.compile(r"^[0-9a-f]{4}[0-9a-f-]{0,32}$")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: str = ""
    framework: str = ""
    page: int = 1

    def values(self) -> dict[str, str]:
        """The filters as query parameters, for links that keep them (pagination)."""
        return {"q": self.q, "status": self.status, "framework": self.framework}


def filters_of(
    q: str | None = None,
    status: str | None = None,
    framework: str | None = None,
    page: str | int | None = None,
) -> Filters:
    """Filters from a query string; Invalid naming the parameter that is wrong."""
    problems: dict[str, str] = {}
    text = (q or "").strip()
    problem = search.problem_with(text)
    if problem:
        problems["q"] = problem
    wanted = (status or "").strip()
    if wanted and wanted not in STATUSES:
        problems["status"] = (
            f"Status '{wanted}' is not one of: " + ", ".join(STATUSES) + " (or leave it empty)"
        )
    number = 1
    if page not in (None, ""):
        try:
            number = int(str(page))
        except ValueError:
            number = 0
        if number < 1:
            problems["page"] = f"Page '{page}' is not a page number: use 1 or more"
    if problems:
        raise Invalid(problems)
    return Filters(text, wanted, (framework or "").strip(), number)


def may_read(actor: Actor) -> None:
    if not can_read_certificate_register(actor):
        raise Forbidden("Only lead assessors and admins can read the certificates register")


def status_label(row: dict[str, Any], on: dt.date) -> str:
    """What the register calls a certificate: its public status, or "expiring" while valid
    within terms.EXPIRING_WINDOW_DAYS of its expiry."""
    status = terms.status_of(row["expires_on"], row["revoked_at"], on)
    if status == terms.VALID and row["expires_on"] <= on + terms.expiring_window():
        return "expiring"
    return status


def _where(filters: Filters, on: dt.date) -> list[Any]:
    terms_: list[Any] = []
    soon = on + terms.expiring_window()
    if filters.status == "revoked":
        terms_.append(Certificate.revoked_at.is_not_null())
    elif filters.status:
        terms_.append(Certificate.revoked_at.is_null())
        if filters.status == "expired":
            terms_.append(Certificate.expires_on <= on)
        else:
            terms_.append(Certificate.expires_on > on)
        if filters.status == "expiring":
            terms_.append(Certificate.expires_on <= soon)
    if filters.framework:
        terms_.append(Certificate.framework_version.slug == filters.framework)
    words = search.words_of(filters.q)
    if words:
        by_name = search.where(words, ("certificate.issued_to",)) | Certificate.organisation.is_in(
            Organisation.select(Organisation.id).where(search.where(words, ("organisation.name",)))
        )
        number = filters.q.lower()
        if NUMBER_PART.match(number):
            by_name = by_name | WhereRaw("CAST(certificate.id AS TEXT) LIKE {}", number + "%")
        terms_.append(by_name)
    return terms_


def _columns() -> list[Any]:
    return [
        Certificate.id,
        Certificate.assessment,
        Certificate.issued_to,
        Certificate.award_label,
        Certificate.issued_on,
        Certificate.expires_on,
        Certificate.review_due_on,
        Certificate.revoked_at,
        Certificate.organisation.name.as_alias("organisation_name_now"),
        Certificate.framework_version.slug.as_alias("framework_slug"),
        Certificate.framework_version.title.as_alias("framework_title"),
        Certificate.framework_version.version.as_alias("framework_version"),
    ]


def _row(row: dict[str, Any], on: dt.date) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "assessment": str(row["assessment"]),
        "organisation_name": row["issued_to"],
        "organisation_renamed_to": (
            row["organisation_name_now"]
            if row["organisation_name_now"] != row["issued_to"]
            else None
        ),
        "framework": row["framework_slug"],
        "framework_title": row["framework_title"],
        "version": row["framework_version"],
        "award_label": row["award_label"],
        "issued_on": row["issued_on"],
        "expires_on": row["expires_on"],
        "review_due_on": row["review_due_on"],
        "status": status_label(row, on),
        "revoked_at": row["revoked_at"],
    }


def for_api(row: dict[str, Any]) -> dict[str, Any]:
    """A register row as JSON: ISO dates and times."""
    return {
        **row,
        **{k: row[k].isoformat() for k in ("issued_on", "expires_on", "review_due_on")},
        "revoked_at": row["revoked_at"].isoformat() if row["revoked_at"] else None,
    }


async def listing(
    actor: Actor, filters: Filters, on: dt.date | None = None
) -> tuple[list[dict[str, Any]], int]:
    """(one page of certificates, how many match in all). Expiring and expired ones soonest
    expiry first; otherwise newest issue first."""
    may_read(actor)
    on = on or today()
    where = _where(filters, on)
    query = Certificate.select(*_columns())
    count = Certificate.count()
    for term in where:
        query = query.where(term)
        count = count.where(term)
    if filters.status in ("expiring", "expired"):
        query = query.order_by(Certificate.expires_on)
    else:
        query = query.order_by(Certificate.issued_on, ascending=False)
    query = query.order_by(Certificate.id)
    rows = await query.limit(PER_PAGE).offset((filters.page - 1) * PER_PAGE)
    return [_row(r, on) for r in rows], await count


async def frameworks() -> list[dict[str, str]]:
    """The frameworks there may be certificates of, by title: one entry per slug."""
    rows = await (
        FrameworkVersion.select(FrameworkVersion.slug, FrameworkVersion.title)
        .order_by(FrameworkVersion.title)
        .limit(FRAMEWORK_LIMIT)
    )
    seen: dict[str, str] = {}
    for row in rows:
        seen.setdefault(row["slug"], row["title"])
    return [{"slug": slug, "title": title} for slug, title in seen.items()]


async def certificate(actor: Actor, ref: str | UUID, on: dt.date | None = None) -> dict[str, Any]:
    """One certificate for the register's page: its details, the assessment and decision that
    issued it, its history oldest first, and whether `actor` may revoke it."""
    may_read(actor)
    on = on or today()
    certificate_id = parse_id(ref)
    row = await (
        Certificate.select(
            *_columns(),
            Certificate.award_code,
            Certificate.revoked_reason,
            Certificate.revoked_by.name.as_alias("revoked_by_name"),
            Certificate.organisation.slug.as_alias("organisation_slug"),
        )
        .where(Certificate.id == certificate_id)
        .first()
    )
    if row is None:
        raise NotFound("No certificate has this number")
    shown = _row(row, on)
    decisions = await (
        Decision.select(
            Decision.outcome,
            Decision.note,
            Decision.award_code,
            Decision.decided_at,
            Decision.lead_assessor.name.as_alias("lead_name"),
        )
        .where(Decision.assessment == row["assessment"])
        .order_by(Decision.decided_at)
        .limit(HISTORY_LIMIT)
    )
    records = await (
        AuditRecord.select(
            AuditRecord.at, AuditRecord.actor_id, AuditRecord.actor_label, AuditRecord.action
        )
        .where(
            (AuditRecord.object_type == "certificate")
            & (AuditRecord.object_id == str(certificate_id))
        )
        .order_by(AuditRecord.id)
        .limit(HISTORY_LIMIT)
    )
    return {
        **shown,
        "award_code": row["award_code"],
        "organisation_slug": row["organisation_slug"],
        "revoked_reason": row["revoked_reason"],
        "revoked_by_name": row["revoked_by_name"],
        "history": await _history(row, decisions, records),
        "may_revoke": can_revoke_certificate(actor) and row["revoked_at"] is None,
    }


async def _history(
    row: dict[str, Any], decisions: list[dict[str, Any]], records: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Events, oldest first: each {at, what, who, detail, day_only}; `at` a datetime, or a date
    when only the day is known (day_only). The certificate's own columns say issue and revocation when no audit
    record does (certificates issued before audit records named them)."""
    people = await _names({r["actor_id"] for r in records if r["actor_id"]})
    events: list[dict[str, Any]] = []
    for d in decisions:
        confirmed = d["outcome"] == "confirm"
        events.append(
            {
                "at": d["decided_at"],
                "what": "Decision: award confirmed" if confirmed else "Decision: referred back",
                "who": d["lead_name"],
                "detail": d["note"] or None,
                "day_only": False,
            }
        )
    issue = next((r for r in records if r["action"] == "certificate.issue"), None)
    events.append(
        {
            "at": issue["at"] if issue else row["issued_on"],
            "what": f"Issued: {row['award_label']}",
            "who": _who(issue, people) if issue else None,
            "detail": None,
            "day_only": issue is None,
        }
    )
    if row["revoked_at"] is not None:
        events.append(
            {
                "at": row["revoked_at"],
                "what": "Revoked",
                "who": row["revoked_by_name"],
                "detail": row["revoked_reason"],
                "day_only": False,
            }
        )
    return sorted(events, key=_moment)


def _moment(event: dict[str, Any]) -> dt.datetime:
    at = event["at"]
    if isinstance(at, dt.datetime):
        return at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(at, dt.time.max, tzinfo=dt.UTC)


def _who(record: dict[str, Any], people: dict[str, str]) -> str:
    return people.get(str(record["actor_id"]), record["actor_label"])


async def _names(user_ids: set[str]) -> dict[str, str]:
    ids = []
    for value in user_ids:
        try:
            ids.append(UUID(value))
        except ValueError:
            continue
    if not ids:
        return {}
    rows = await User.select(User.id, User.name).where(User.id.is_in(ids))
    return {str(r["id"]): r["name"] for r in rows}
