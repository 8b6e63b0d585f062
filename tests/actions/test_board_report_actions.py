"""The board report's "Action plan" section lists the department's tracked actions, overdue first."""

from __future__ import annotations

import datetime as dt

from httpx import AsyncClient

from tests.assessments.support import small_framework
from tests.certificates.support import pdf_text
from tests.factories import bearer, make_assessment, make_organisation, make_user


async def test_board_report_lists_actions_overdue_first(client: AsyncClient) -> None:
    fv = await small_framework()
    org = await make_organisation(slug="dept-r", name="Department R")
    lead = await make_user("dept_lead", org, name="Robin Owner")
    headers = await bearer(lead)
    assessment = await make_assessment(org, "concluded", framework_version=fv)
    today = dt.date.today()
    for title, due in (("Later work", 40), ("Late work", -5)):
        made = await client.post(
            "/api/v1/organisations/dept-r/actions",
            json={
                "title": title,
                "due_on": str(today + dt.timedelta(days=due)),
                "owner": lead["email"],
            },
            headers=headers,
        )
        assert made.status_code == 201
    started = (await client.get("/api/v1/organisations/dept-r/actions", headers=headers)).json()[1]
    await client.patch(
        f"/api/v1/actions/{started['id']}",
        json={"status": "in_progress", "progress_note": "Half the teams trained"},
        headers=headers,
    )
    pdf = await client.get(f"/api/v1/assessments/{assessment['id']}/report.pdf", headers=headers)
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    section = text[text.index("Actions Department R is tracking") :]
    assert section.index("Late work") < section.index("Later work")
    assert "Open, overdue" in section
    assert "In progress" in section and "Half the teams trained" in section
    assert "Robin Owner" in section
