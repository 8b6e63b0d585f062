"""Certificates: issue on a confirmed award, show and verify publicly, render and sign the PDF once,
revoke, and list the reviews that are coming due."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any
from uuid import UUID

import segno
from piccolo.columns.combination import WhereRaw

from app import db
from app.accounts.actor import Actor
from app.accounts.policy import can_revoke_certificate, sees_every_certificate_review
from app.assessments.tables import Assessment
from app.audit.service import record
from app.certificates import signing, terms
from app.certificates.tables import Certificate
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.frameworks.service import framework_for
from app.organisations.tables import Organisation
from app.reports import pdf
from app.settings import Settings
from app.templating import LONDON, environment

ASSETS = Path(__file__).resolve().parent / "assets"
REASON_LIMIT = 2000
REVIEW_LIST_LIMIT = 50
# No newer certificate of the same organisation on the same framework (any version) replaced it.
NOT_SUPERSEDED = (
    "NOT EXISTS (SELECT 1 FROM certificate newer"
    " JOIN framework_version newer_version ON newer_version.id = newer.framework_version"
    " JOIN framework_version this_version ON this_version.id = certificate.framework_version"
    " WHERE newer.organisation = certificate.organisation"
    " AND newer_version.slug = this_version.slug AND newer.issued_on > certificate.issued_on)"
)


def today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def parse_id(ref: str | UUID) -> UUID:
    """A certificate id from a URL; anything that is not one is simply not found."""
    if isinstance(ref, UUID):
        return ref
    try:
        return UUID(str(ref).strip())
    except ValueError:
        raise NotFound("No certificate has this number") from None


def _columns() -> list[Any]:
    return [
        *Certificate.all_columns(exclude=[Certificate.pdf, Certificate.pdf_sha256]),
        Certificate.issued_to.as_alias("organisation_name"),
        Certificate.organisation.name.as_alias("organisation_name_now"),
        Certificate.organisation.slug.as_alias("organisation_slug"),
        Certificate.framework_version.slug.as_alias("framework_slug"),
        Certificate.framework_version.title.as_alias("framework_title"),
        Certificate.framework_version.version.as_alias("framework_version_number"),
        Certificate.framework_version.content_sha256.as_alias("content_sha256"),
    ]


async def _name_of(organisation_id: UUID) -> str:
    row = await Organisation.select(Organisation.name).where(Organisation.id == organisation_id)
    return str(row[0]["name"])


async def _load(certificate_id: UUID) -> dict[str, Any]:
    row = await Certificate.select(*_columns()).where(Certificate.id == certificate_id).first()
    if row is None:
        raise NotFound("No certificate has this number")
    return row


def public(row: dict[str, Any], on: dt.date | None = None) -> dict[str, Any]:
    """What anyone may know about a certificate: nothing internal (no scores, no people)."""
    revoked_at = row["revoked_at"]
    return {
        "id": str(row["id"]),
        "organisation": row["organisation_slug"],
        "organisation_name": row["organisation_name"],
        # The organisation has been renamed since: the certificate keeps the name it was issued to.
        "organisation_renamed_to": (
            row["organisation_name_now"]
            if row["organisation_name_now"] != row["organisation_name"]
            else None
        ),
        "framework": row["framework_slug"],
        "framework_title": row["framework_title"],
        "version": row["framework_version_number"],
        "content_sha256": row["content_sha256"],
        "award": row["award_code"],
        "award_label": row["award_label"],
        "issued_on": row["issued_on"].isoformat(),
        "expires_on": row["expires_on"].isoformat(),
        "status": terms.status_of(row["expires_on"], revoked_at, on or today()),
        "revoked_on": revoked_at.astimezone(LONDON).date().isoformat() if revoked_at else None,
        "revoked_reason": row["revoked_reason"] if revoked_at else None,
    }


async def issue(
    actor: Any, assessment_id: UUID, settings: Settings | None = None
) -> dict[str, Any]:
    """Issue the certificate for a concluded assessment's award, inside the caller's transaction
    (the decision's) if there is one. Issuing twice returns the certificate already issued.
    The base address in force and the moment of issue are kept for `seal`, which renders and
    signs it (after the transaction: a render holds no database lock)."""
    settings = settings or Settings.from_env()
    try:
        signing.require_configured(settings)
    except signing.SigningNotConfigured as exc:
        raise Conflict(str(exc)) from None
    async with db.transaction():
        assessment = (
            await Assessment.select(
                Assessment.id,
                Assessment.organisation,
                Assessment.framework_version,
                Assessment.status,
                Assessment.award_code,
                Assessment.award_label,
            )
            .where(Assessment.id == assessment_id)
            .first()
        )
        if assessment is None:
            raise NotFound("No such assessment")
        if assessment["status"] != "concluded" or not assessment["award_code"]:
            raise Conflict(
                "A certificate is issued only for a concluded assessment with an award; this one "
                f"is {assessment['status']} with "
                + (f"award {assessment['award_code']}" if assessment["award_code"] else "no award")
            )
        existing = (
            await Certificate.select(Certificate.id)
            .where(Certificate.assessment == assessment_id)
            .first()
        )
        if existing is not None:
            row = await _load(existing["id"])
            return {**public(row), "review_due_on": row["review_due_on"].isoformat()}
        _, framework = await framework_for(assessment["framework_version"])
        issued_at = dt.datetime.now(dt.UTC)
        issued = issued_at.astimezone(LONDON).date()
        certificate = Certificate(
            issued_at=issued_at,
            base_url=settings.base_url.rstrip("/"),
            assessment=assessment_id,
            organisation=assessment["organisation"],
            issued_to=await _name_of(assessment["organisation"]),
            framework_version=assessment["framework_version"],
            award_code=assessment["award_code"],
            award_label=assessment["award_label"] or assessment["award_code"],
            issued_on=issued,
            expires_on=terms.add_months(issued, framework.certificate.validity_months),
            review_due_on=terms.add_months(issued, framework.certificate.review_months),
        )
        await certificate.save()
        row = await _load(certificate.id)
        result = {**public(row), "review_due_on": row["review_due_on"].isoformat()}
        await record(
            actor,
            "certificate.issue",
            "certificate",
            certificate.id,
            after={
                "assessment": str(assessment_id),
                **{
                    k: result[k]
                    for k in ("organisation", "award", "issued_on", "expires_on", "review_due_on")
                },
            },
        )
    return result


async def show(ref: str | UUID) -> dict[str, Any]:
    return public(await _load(parse_id(ref)))


def verify_url(base_url: str, certificate_id: UUID | str) -> str:
    return f"{base_url.rstrip('/')}/verify/{certificate_id}"


def certificate_html(row: dict[str, Any], url: str) -> str:
    # A PNG, drawn pixel for pixel (certificate.css): WeasyPrint parsed segno's SVG path, one
    # command per run of dark modules, for a fifth of the certificate's render time. At 8 pixels
    # a module the 30 mm square prints at about 280 dpi.
    qr = segno.make(url, error="m").png_data_uri(scale=8, border=2, dark="#0b0c0c")
    return (
        environment()
        .get_template("certificates/certificate.html")
        .render(
            certificate=row,
            verify_url=url,
            qr_code=qr,
            content_hash=(row["content_sha256"] or "")[:12],
        )
    )


def signing_time(row: dict[str, Any]) -> dt.datetime:
    """When the certificate was issued; noon of its issue day for those issued before the moment
    was kept."""
    if row["issued_at"] is not None:
        return row["issued_at"]
    return dt.datetime.combine(row["issued_on"], dt.time(12), LONDON)


async def seal(settings: Settings, ref: str | UUID) -> bytes:
    """Render and sign the certificate once, with the base address and the signing time of its
    issue, and keep it: every later download answers these bytes. Two at once may both render;
    only the first one's bytes are kept."""
    certificate_id = parse_id(ref)
    stored = (
        await Certificate.select(Certificate.pdf).where(Certificate.id == certificate_id).first()
    )
    if stored is None:
        raise NotFound("No certificate has this number")
    if stored["pdf"]:
        return bytes(stored["pdf"])
    row = await _load(certificate_id)
    found = signing.credentials(settings)
    html = certificate_html(row, verify_url(row["base_url"] or settings.base_url, certificate_id))
    data = await pdf.run(signing.render_and_sign, html, ASSETS, found, signing_time(row))
    async with db.transaction():
        await Certificate.update(
            {Certificate.pdf: data, Certificate.pdf_sha256: hashlib.sha256(data).hexdigest()}
        ).where((Certificate.id == certificate_id) & Certificate.pdf.is_null())
    stored = (
        await Certificate.select(Certificate.pdf).where(Certificate.id == certificate_id).first()
    )
    return bytes(stored["pdf"]) if stored and stored["pdf"] else data


async def seal_pending(settings: Settings) -> int:
    """Seal every certificate not sealed yet (issued before this release, or whose seal failed);
    how many there were."""
    rows = await Certificate.select(Certificate.id).where(Certificate.pdf.is_null())
    await asyncio.gather(*(seal(settings, r["id"]) for r in rows))
    return len(rows)


async def pdf_of(settings: Settings, ref: str | UUID) -> tuple[str, bytes]:
    """(file name, signed PDF): the bytes sealed at issue (sealed now if that failed)."""
    certificate_id = parse_id(ref)
    row = await _load(certificate_id)
    if row["revoked_at"] is not None:
        raise Conflict(
            f"Certificate {certificate_id} was revoked on {public(row)['revoked_on']}: "
            f"{row['revoked_reason']}. See /verify/{certificate_id}"
        )
    return f"certificate-{certificate_id}.pdf", await seal(settings, certificate_id)


def check_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": "Enter the reason for revoking the certificate"})
    if len(reason) > REASON_LIMIT:
        raise Invalid({"reason": f"The reason must be {REASON_LIMIT} characters or fewer"})
    return reason


def may_revoke(actor: Actor) -> None:
    if not can_revoke_certificate(actor):
        raise Forbidden("Only a lead assessor can revoke a certificate")


async def revoke(actor: Actor, ref: str | UUID, reason: str | None) -> dict[str, Any]:
    """Withdraw a certificate (lead assessors only), giving a reason its verification page shows."""
    certificate_id = parse_id(ref)
    await _load(certificate_id)
    may_revoke(actor)
    reason = check_reason(reason)
    async with db.transaction():
        row = await _load(certificate_id)
        if row["revoked_at"] is not None:
            raise Conflict(
                f"Certificate {certificate_id} was already revoked on {public(row)['revoked_on']}",
                state="revoked",
            )
        before = public(row)
        await Certificate.update(
            {
                Certificate.revoked_at: dt.datetime.now(dt.UTC),
                Certificate.revoked_reason: reason,
                Certificate.revoked_by: actor.id,
            }
        ).where(Certificate.id == certificate_id)
        after = public(await _load(certificate_id))
        await record(
            actor,
            "certificate.revoke",
            "certificate",
            certificate_id,
            before={"status": before["status"]},
            after={"status": after["status"], "reason": reason},
        )
    return after


async def reviews_due(actor: Actor, on: dt.date | None = None) -> list[terms.ReviewDue]:
    """Certificate reviews due soon (or overdue) that the actor looks after, for dashboards:
    every organisation's for admins and lead assessors, their own for department roles. A
    certificate that a newer one of the same framework has replaced needs no review."""
    query = Certificate.select(
        Certificate.id,
        Certificate.review_due_on,
        Certificate.expires_on,
        Certificate.revoked_at,
        Certificate.award_label,
        Certificate.organisation.name.as_alias("organisation_name"),
    ).where(Certificate.revoked_at.is_null() & WhereRaw(NOT_SUPERSEDED))
    if not sees_every_certificate_review(actor):
        if not actor.is_department or actor.organisation_id is None:
            return []
        query = query.where(Certificate.organisation == actor.organisation_id)
    on = on or today()
    horizon = on + dt.timedelta(days=terms.REVIEW_WINDOW_DAYS)
    rows = (
        await query.where((Certificate.review_due_on <= horizon) & (Certificate.expires_on > on))
        .order_by(Certificate.review_due_on)
        .limit(REVIEW_LIST_LIMIT)
    )
    return terms.review_due(rows, on)


async def of_organisation(slug: str, limit: int = 20) -> list[dict[str, Any]]:
    """An organisation's certificates, newest first, as anyone may see them (public()): anyone
    may check any certificate, and its organisation's public page is where people find it."""
    rows = await (
        Certificate.select(*_columns())
        .where(Certificate.organisation.slug == slug)
        .order_by(Certificate.issued_on, ascending=False)
        .limit(limit)
    )
    return [public(row) for row in rows]
