"""What a department has to show for its assessments: a concluded one's outcome (award, percents
self-assessed beside moderated, certificate) and, on its dashboard, where it stands on each
framework and what to do next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any
from uuid import UUID

from app.accounts import policy
from app.accounts.actor import Actor
from app.assessments.lifecycle import ENDED, Status
from app.assessments.results import overall_of, themes_of
from app.assessments.tables import Assessment
from app.assessments.views import AssessmentView, frameworks_to_start, views_of
from app.certificates import terms
from app.certificates.tables import Certificate
from app.frameworks.model import Framework
from app.frameworks.service import model_of, versions_by_id
from app.templating import LONDON

EXPIRY_WARNING_DAYS = 90  # a valid certificate expiring within this is said to expire soon
LIMIT = 200  # an organisation's assessments and certificates, far more than any has


class NextStep(StrEnum):
    """What the department does next on a framework."""

    CONTINUE = "continue"  # a draft to finish
    ANSWER_RETURNED = "answer_returned"  # the assessor returned it
    WITH_ASSESSOR = "with_assessor"  # submitted or in review: nothing to do
    AWAITING_DECISION = "awaiting_decision"  # moderated: a lead assessor decides
    REASSESS = "reassess"  # concluded, none open: a new assessment when the time comes


@dataclass(frozen=True)
class ThemeResult:
    code: str
    title: str
    self_assessed: Fraction | None
    moderated: Fraction | None


@dataclass(frozen=True)
class CertificateHeld:
    id: UUID
    award_label: str
    issued_on: dt.date
    expires_on: dt.date
    review_due_on: dt.date
    status: str  # terms.VALID, EXPIRED or REVOKED
    revoked_on: dt.date | None
    expires_soon: bool
    review_overdue: bool


@dataclass(frozen=True)
class Outcome:
    """A concluded assessment's result as its department reads it."""

    assessment_id: UUID
    framework_title: str
    framework_version: str
    award_label: str | None
    concluded_on: dt.date | None
    overall_self: Fraction | None
    overall_moderated: Fraction | None
    themes: tuple[ThemeResult, ...]
    certificate: CertificateHeld | None


@dataclass(frozen=True)
class Standing:
    """An organisation on one framework: its open assessment, latest result, certificate."""

    framework_slug: str
    framework_title: str
    open: AssessmentView | None
    latest: Outcome | None
    certificate: CertificateHeld | None  # the one in force, else the newest
    next_step: NextStep


def _today() -> dt.date:
    return dt.datetime.now(LONDON).date()


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return value.astimezone(LONDON).date() if value is not None else None


def certificate_held(row: dict[str, Any], today: dt.date) -> CertificateHeld:
    status = terms.status_of(row["expires_on"], row["revoked_at"], today)
    valid = status == terms.VALID
    return CertificateHeld(
        id=row["id"],
        award_label=row["award_label"],
        issued_on=row["issued_on"],
        expires_on=row["expires_on"],
        review_due_on=row["review_due_on"],
        status=status,
        revoked_on=_local_date(row["revoked_at"]),
        expires_soon=valid and row["expires_on"] <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS),
        review_overdue=valid and row["review_due_on"] < today,
    )


def outcome(
    row: dict[str, Any],
    framework: Framework,
    version: str,
    certificate: CertificateHeld | None,
) -> Outcome:
    """`row`: a concluded Assessment row with its JSON columns decoded."""
    mine, moderated = themes_of(row["self_result"]), themes_of(row["moderated_result"])
    return Outcome(
        assessment_id=row["id"],
        framework_title=framework.title,
        framework_version=version,
        award_label=row["award_label"],
        concluded_on=_local_date(row["concluded_at"]),
        overall_self=overall_of(row["self_result"]),
        overall_moderated=overall_of(row["moderated_result"]),
        themes=tuple(
            ThemeResult(t.code, t.title, mine.get(t.code), moderated.get(t.code))
            for t in framework.themes
        ),
        certificate=certificate,
    )


_CERTIFICATE_COLUMNS = (
    Certificate.id,
    Certificate.assessment,
    Certificate.award_label,
    Certificate.issued_on,
    Certificate.expires_on,
    Certificate.review_due_on,
    Certificate.revoked_at,
    Certificate.framework_version.slug.as_alias("framework_slug"),
)


async def outcome_of(view: AssessmentView) -> Outcome | None:
    """The outcome of an assessment the caller may already see; None until it is concluded."""
    if view.status != Status.CONCLUDED:
        return None
    certificate = None
    if view.certificate_id is not None:
        row = (
            await Certificate.select(*_CERTIFICATE_COLUMNS)
            .where(Certificate.id == view.certificate_id)
            .first()
        )
        certificate = certificate_held(row, _today()) if row else None
    return outcome(view.row, view.framework, view.framework_row["version"], certificate)


def _in_force(rows: Iterable[dict[str, Any]], today: dt.date) -> CertificateHeld | None:
    """The newest valid certificate, else the newest of any status (rows newest first)."""
    held = [certificate_held(r, today) for r in rows]
    return next((c for c in held if c.status == terms.VALID), held[0] if held else None)


def _next_step(open_view: AssessmentView | None) -> NextStep:
    if open_view is None:
        return NextStep.REASSESS
    return {
        Status.DRAFT: NextStep.CONTINUE,
        Status.RETURNED: NextStep.ANSWER_RETURNED,
        Status.MODERATED: NextStep.AWAITING_DECISION,
    }.get(Status(open_view.status), NextStep.WITH_ASSESSOR)


async def standings(actor: Actor) -> list[Standing]:
    """For a department's people: each framework their organisation has been assessed on, by
    title. A fixed number of queries, however many assessments there are."""
    if not actor.is_department or actor.organisation_id is None:
        return []
    rows = (
        await Assessment.select()
        .where(Assessment.organisation == actor.organisation_id)
        .order_by(Assessment.created_at, ascending=False)
        .limit(LIMIT)
        .output(load_json=True)
    )
    if not rows:
        return []
    certificates = (
        await Certificate.select(*_CERTIFICATE_COLUMNS)
        .where(Certificate.organisation == actor.organisation_id)
        .order_by(Certificate.issued_on, ascending=False)
        .limit(LIMIT)
    )
    versions = await versions_by_id(r["framework_version"] for r in rows)
    by_slug: dict[str, list[dict[str, Any]]] = {}
    for row in rows:  # newest first
        by_slug.setdefault(versions[row["framework_version"]]["slug"], []).append(row)
    open_rows = [
        next((r for r in group if r["status"] not in ENDED), None) for group in by_slug.values()
    ]
    opened = {v.id: v for v in await views_of([r for r in open_rows if r is not None])}
    today = _today()
    found = []
    for slug, group in by_slug.items():
        held = [c for c in certificates if c["framework_slug"] == slug]
        concluded = next((r for r in group if r["status"] == Status.CONCLUDED), None)
        latest = None
        if concluded is not None:
            version = versions[concluded["framework_version"]]
            own = next((c for c in held if c["assessment"] == concluded["id"]), None)
            latest = outcome(
                concluded,
                model_of(version),
                version["version"],
                certificate_held(own, today) if own else None,
            )
        open_view = next((opened[r["id"]] for r in group if r["id"] in opened), None)
        found.append(
            Standing(
                framework_slug=slug,
                framework_title=model_of(versions[group[0]["framework_version"]]).title,
                open=open_view,
                latest=latest,
                certificate=_in_force(held, today),
                next_step=_next_step(open_view),
            )
        )
    return sorted(found, key=lambda s: s.framework_title)


@dataclass(frozen=True)
class StartChoice:
    """What the start page offers: versions to start on, and the frameworks left out because an
    assessment of them is open (continue that instead)."""

    versions: list[dict[str, Any]]  # frameworks_to_start's rows
    open: list[dict[str, Any]]  # id, status, framework_title


async def start_choice(actor: Actor) -> StartChoice:
    """For a department lead: every framework version but those of frameworks their organisation
    has an open assessment of (start() allows one open assessment per framework)."""
    if actor.organisation_id is None or not policy.can_start_assessment(
        actor, actor.organisation_id
    ):
        return StartChoice([], [])
    open_rows = (
        await Assessment.select(
            Assessment.id,
            Assessment.status,
            Assessment.framework_version.slug.as_alias("slug"),
            Assessment.framework_version.title.as_alias("framework_title"),
        )
        .where(
            (Assessment.organisation == actor.organisation_id)
            & Assessment.status.not_in(list(ENDED))
        )
        .order_by(Assessment.created_at)
        .limit(LIMIT)
    )
    taken = {r["slug"] for r in open_rows}
    versions = [v for v in await frameworks_to_start() if v["slug"] not in taken]
    return StartChoice(versions, open_rows)
