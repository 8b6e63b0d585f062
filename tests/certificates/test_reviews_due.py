"""Review-due dates for dashboards: who sees which certificates, and the partial that lists them."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup

from app.accounts.actor import Actor
from app.accounts.roles import Role
from app.certificates import service
from app.templating import environment
from tests.certificates.support import issued_certificate
from tests.factories import make_organisation, make_user


async def _actor_for(user_id: object) -> Actor:
    from app.accounts.tables import User

    row = await User.select().where(User.id == user_id).first()
    return Actor(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=Role(row["role"]),
        organisation_id=row["organisation"],
    )


async def test_reviews_due_are_shown_to_the_department_and_lead_assessors_only() -> None:
    org, _concluded, certificate = await issued_certificate()
    other = await make_organisation()
    issued = dt.date.fromisoformat(certificate["issued_on"])
    on = dt.date.fromisoformat(certificate["review_due_on"]) - dt.timedelta(days=10)
    own = await _actor_for((await make_user("dept_lead", org))["id"])
    lead = await _actor_for((await make_user("lead_assessor"))["id"])
    outsider = await _actor_for((await make_user("dept_lead", other))["id"])
    assessor = await _actor_for((await make_user("assessor"))["id"])
    assert [r.certificate_id for r in await service.reviews_due(own, on)] == [certificate["id"]]
    assert [r.certificate_id for r in await service.reviews_due(lead, on)] == [certificate["id"]]
    assert await service.reviews_due(outsider, on) == []
    assert await service.reviews_due(assessor, on) == []
    assert await service.reviews_due(own, issued) == []  # not due for months yet


async def test_review_due_partial_lists_each_certificate_and_marks_overdue_ones() -> None:
    _org, _concluded, certificate = await issued_certificate()
    lead = await _actor_for((await make_user("lead_assessor"))["id"])
    late = dt.date.fromisoformat(certificate["review_due_on"]) + dt.timedelta(days=3)
    items = await service.reviews_due(lead, late)
    html = (
        environment().get_template("certificates/_review_due.html").render(review_due_items=items)
    )
    rows = BeautifulSoup(html, "html.parser").select("tbody tr")
    assert len(rows) == 1
    cells = [" ".join(td.get_text(" ").split()) for td in rows[0].select("td, th")]
    assert cells[0] == "Ministry of Examples" and "Overdue" in cells[2]
    empty = environment().get_template("certificates/_review_due.html").render(review_due_items=[])
    assert "No certificate reviews are due" in empty
