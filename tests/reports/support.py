"""A concluded assessment worth a board report: a previous one to compare with, findings from the
assessor, a published league table, and gaps to the next award."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app import db
from app.league_tables.tables import LeagueTable
from app.moderation.tables import Moderation
from tests.factories import make_assessment, make_organisation, make_user

# Accredited, not Excellence: LEAD.1.1 is mandatory and Excellence needs 3 on it; LEAD.1.2 needs
# at least 2 for Excellence (min_element_score).
MODERATED = {"LEAD.1.1": 2, "LEAD.1.2": 1, "INSIGHT.1.1": 3}
STRENGTH = "Leaders talk about customers at every board meeting"
IMPROVEMENT = "Publish the customer vision where customers can find it"


async def concluded_with_history() -> dict[str, Any]:
    async with db.transaction():  # one commit, not hundreds: the suite runs on slow disks too
        return await _concluded_with_history()


async def _concluded_with_history() -> dict[str, Any]:
    org = await make_organisation(slug="dept-of-examples", name="Department of Examples")
    two_years_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=730)
    previous = await make_assessment(
        org, state="concluded", default_score=2, concluded_at=two_years_ago
    )
    current = await make_assessment(org, state="concluded", moderated=MODERATED)
    await Moderation.update({Moderation.strength: STRENGTH}).where(
        (Moderation.assessment == current["id"]) & (Moderation.element_code == "LEAD.1.3")
    )
    await Moderation.update({Moderation.improvement: IMPROVEMENT}).where(
        (Moderation.assessment == current["id"]) & (Moderation.element_code == "LEAD.1.1")
    )
    publisher = await make_user("publisher")
    rows = [{"rank": r, "organisation": f"other-{r}", "award": None} for r in (1, 2, 4, 5, 6, 7, 8)]
    rows.insert(2, {"rank": 3, "organisation": org["slug"], "award": "accredited"})
    await LeagueTable(
        framework_slug="public-service-customer-standard",
        title="Customer Standard 2026",
        as_of=dt.date(2026, 10, 1),
        published_at=dt.datetime.now(dt.UTC),
        published_by=publisher["id"],
        rows=rows,
    ).save()
    return {"organisation": org, "previous": previous, "current": current}
