"""What the demo holds once it is loaded, and the guide `charter demo` prints from it: where to
go, and who to sign in as to see what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.assessments.lifecycle import Status
from app.assessments.tables import Assessment
from app.certificates import service as certificates
from app.certificates.tables import Certificate
from app.demo.story import DEMO_PASSWORD, PEOPLE, PSCS
from app.evidence.tables import Evidence
from app.league_tables import service as league_tables
from app.notifications.tables import Notification
from app.settings import Settings

SOON = dt.timedelta(days=90)  # a valid certificate expiring within this is "expiring soon"


@dataclass(frozen=True)
class Summary:
    base_url: str
    statuses: dict[str, int]  # assessment status -> how many
    certificates: dict[str, list[str]]  # valid, expiring soon, expired, revoked -> ids
    renamed: list[tuple[str, str]]  # (id, name now) of certificates issued before a rename
    league_tables: list[dict[str, Any]]  # oldest first
    evidence_items: int
    emails: int = 0  # written to the outbox by the story's steps and the reminder pass


async def collect(settings: Settings, today: dt.date) -> Summary:
    statuses: dict[str, int] = {}
    for row in await Assessment.select(Assessment.status):
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    by_status: dict[str, list[str]] = {}
    renamed: list[tuple[str, str]] = []
    for row in await Certificate.select(Certificate.id).order_by(Certificate.issued_on):
        shown = await certificates.show(row["id"])
        status = shown["status"]
        if status == "valid" and dt.date.fromisoformat(shown["expires_on"]) <= today + SOON:
            status = "expiring soon"
        by_status.setdefault(status, []).append(shown["id"])
        if shown["organisation_renamed_to"]:
            renamed.append((shown["id"], shown["organisation_renamed_to"]))
    return Summary(
        base_url=settings.base_url,
        statuses=statuses,
        certificates=by_status,
        renamed=renamed,
        league_tables=list(reversed(await league_tables.list_tables(PSCS))),
        evidence_items=await Evidence.count(),
        emails=await Notification.count(),
    )


def overview(summary: Summary) -> list[str]:
    """The lines `charter demo` prints."""
    url = summary.base_url.rstrip("/")
    states = ", ".join(f"{summary.statuses[s]} {s}" for s in Status if s in summary.statuses)
    certificates_held = ", ".join(
        f"{len(ids)} {status}" for status, ids in sorted(summary.certificates.items())
    )
    lines = [
        f"Demo loaded: {states} assessments; {summary.evidence_items} evidence files; "
        f"{certificates_held} certificates.",
        "",
        f"Open {url}/ and sign in at {url}/sign-in",
        f"Every demo account has the same password: {DEMO_PASSWORD}",
        "(demo only: it is printed here, so never use these accounts with real data)",
        f"{summary.emails} emails wait in the outbox ({url}/admin/notifications, as the admin): "
        "with CHARTER_EMAIL=none, the default, nothing is sent",
        "",
    ]
    width = max(len(p.email) for p in PEOPLE)
    for person in PEOPLE:
        lines.append(f"  {person.email.ljust(width)}  {person.role:<16}  {person.sees}".rstrip())
    lines += ["", "Without signing in:"]
    for table in summary.league_tables:
        lines.append(f"  {url}/league-tables/{table['id']}  {table['title']}")
    for status, ids in sorted(summary.certificates.items()):
        lines.append(f"  {url}/verify/{ids[0]}  certificate: {status}")
    for certificate_id, name_now in summary.renamed:
        lines.append(
            f"  {url}/verify/{certificate_id}  certificate issued before a rename to {name_now}"
        )
    return lines
