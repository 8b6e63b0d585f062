"""Awards through the decide API exactly at, and one scale step below, every threshold of both
shipped frameworks. Moderated scores are chosen so the unrounded percent lands on the threshold."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from httpx import AsyncClient

from app import db
from app.assessments.tables import Assessment
from app.frameworks import service as frameworks
from app.frameworks.model import Framework
from tests.factories import (
    COMPLAINTS_FRAMEWORK,
    MAIN_FRAMEWORK,
    bearer,
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
)


@dataclass(frozen=True)
class Case:
    framework: Path
    themes: dict[str, int]  # every element of the theme gets this moderated score
    elements: dict[str, int]  # then these elements get their own
    award: str | None
    exact: tuple[str, str] | None = None  # ("overall" or a theme code, the exact stored percent)


PSCS, CFS = MAIN_FRAMEWORK, COMPLAINTS_FRAMEWORK
PSCS_REST = {"INSIGHT": 3, "CULTURE": 3, "SKILLS": 3, "MEASURE": 3}
ALL_4 = {"LEAD": 4, "INSIGHT": 4, "CULTURE": 4, "SKILLS": 4, "MEASURE": 4}
CFS_3 = {"ACCESS": 3, "HANDLE": 3, "LEARN": 3, "GOVERN": 3}

CASES = {
    # Public Service Customer Standard: themes weighted 20/25/20/15/20, element percent 25 x score.
    # LEAD at 100 and every other theme at 75: (20*100 + 80*75) / 100 = 80 exactly.
    "excellence at overall 80": Case(
        PSCS, {"LEAD": 4, **PSCS_REST}, {}, "excellence", ("overall", "80")
    ),
    "excellence just below overall 80": Case(
        PSCS, {"LEAD": 4, **PSCS_REST}, {"LEAD.1.2": 3}, "accredited", ("overall", "955/12")
    ),
    # SKILLS weighs 10 (SKILLS.2.1 counts twice): two 2s among 3s make (3*25*8 + 2*25*2)/10 = 70.
    "excellence at theme 70": Case(
        PSCS,
        {**ALL_4, "SKILLS": 3},
        {"SKILLS.1.2": 2, "SKILLS.1.3": 2},
        "excellence",
        ("SKILLS", "70"),
    ),
    "excellence just below theme 70": Case(
        PSCS,
        {**ALL_4, "SKILLS": 3},
        {"SKILLS.1.2": 2, "SKILLS.1.3": 2, "SKILLS.2.2": 2},
        "accredited",
        ("SKILLS", "135/2"),
    ),
    "excellence below element score 2": Case(PSCS, ALL_4, {"LEAD.1.2": 1}, "accredited"),
    "excellence at mandatory score 3": Case(PSCS, ALL_4, {"LEAD.1.1": 3}, "excellence"),
    "excellence below mandatory score 3": Case(PSCS, ALL_4, {"LEAD.1.1": 2}, "accredited"),
    # LEAD at 100 and the rest at 50: 60 exactly.
    "accredited at overall 60": Case(
        PSCS,
        {"LEAD": 4, "INSIGHT": 2, "CULTURE": 2, "SKILLS": 2, "MEASURE": 2},
        {},
        "accredited",
        ("overall", "60"),
    ),
    "accredited just below overall 60": Case(
        PSCS,
        {"LEAD": 4, "INSIGHT": 2, "CULTURE": 2, "SKILLS": 2, "MEASURE": 2},
        {"LEAD.1.2": 3},
        "commitment",
        ("overall", "715/12"),
    ),
    "accredited at theme 50": Case(
        PSCS, {**ALL_4, "SKILLS": 2}, {}, "accredited", ("SKILLS", "50")
    ),
    "accredited just below theme 50": Case(
        PSCS, {**ALL_4, "SKILLS": 2}, {"SKILLS.1.2": 1}, "commitment", ("SKILLS", "95/2")
    ),
    "accredited at 4 elements below 2": Case(
        PSCS,
        ALL_4,
        {"LEAD.1.2": 1, "INSIGHT.1.2": 1, "CULTURE.1.2": 1, "MEASURE.1.2": 1},
        "accredited",
    ),
    "accredited with 5 elements below 2": Case(
        PSCS,
        ALL_4,
        {"LEAD.1.2": 1, "INSIGHT.1.2": 1, "CULTURE.1.2": 1, "MEASURE.1.2": 1, "SKILLS.1.2": 1},
        "commitment",
    ),
    "accredited below mandatory score 2": Case(PSCS, ALL_4, {"LEAD.1.1": 1}, "commitment"),
    # LEAD at 100 and the rest at 25: 40 exactly, and four themes exactly at 25.
    "commitment at overall 40 and theme 25": Case(
        PSCS,
        {"LEAD": 4, "INSIGHT": 1, "CULTURE": 1, "SKILLS": 1, "MEASURE": 1},
        {},
        "commitment",
        ("overall", "40"),
    ),
    "commitment just below overall 40": Case(
        PSCS,
        {"LEAD": 4, "INSIGHT": 1, "CULTURE": 1, "SKILLS": 1, "MEASURE": 1},
        {"LEAD.1.2": 3},
        None,
        ("overall", "475/12"),
    ),
    "commitment just below theme 25": Case(
        PSCS, {**ALL_4, "SKILLS": 1}, {"SKILLS.1.2": 0}, None, ("SKILLS", "45/2")
    ),
    "commitment below mandatory score 1": Case(PSCS, ALL_4, {"LEAD.1.1": 0}, None),
    # Complaints and Feedback Standard: ACCESS, LEARN, GOVERN weigh 1 and HANDLE 2; scale 0..3.
    # HANDLE at 100 and the rest at 200/3: (3 * 200/3 + 2 * 100) / 5 = 80 exactly.
    "compliance-plus at overall 80": Case(
        CFS,
        {"ACCESS": 2, "HANDLE": 3, "LEARN": 2, "GOVERN": 2},
        {},
        "compliance-plus",
        ("overall", "80"),
    ),
    "compliance-plus just below overall 80": Case(
        CFS,
        {"ACCESS": 2, "HANDLE": 3, "LEARN": 2, "GOVERN": 2},
        {"HANDLE.1.2": 2},
        "compliant",
        ("overall", "1640/21"),
    ),
    "compliance-plus below element score 2": Case(CFS, CFS_3, {"LEARN.2.1": 1}, "compliant"),
    # ACCESS: mandatory 2 and 2, the others 1 and 1: 6 of 12 = 50 exactly.
    "compliant at theme 50": Case(
        CFS,
        CFS_3,
        {"ACCESS.1.1": 2, "ACCESS.1.3": 2, "ACCESS.1.2": 1, "ACCESS.1.4": 1},
        "compliant",
        ("ACCESS", "50"),
    ),
    "compliant just below theme 50": Case(
        CFS,
        CFS_3,
        {"ACCESS.1.1": 2, "ACCESS.1.3": 2, "ACCESS.1.2": 1, "ACCESS.1.4": 0},
        None,
        ("ACCESS", "125/3"),
    ),
    "compliant below element score 1": Case(CFS, CFS_3, {"HANDLE.1.2": 0}, None),
    "compliant at 3 elements below 2": Case(
        CFS, CFS_3, {"ACCESS.1.2": 1, "HANDLE.1.2": 1, "LEARN.2.1": 1}, "compliant"
    ),
    "compliant with 4 elements below 2": Case(
        CFS, CFS_3, {"ACCESS.1.2": 1, "HANDLE.1.2": 1, "LEARN.2.1": 1, "GOVERN.1.3": 1}, None
    ),
    "compliant at mandatory score 2": Case(CFS, CFS_3, {"HANDLE.1.1": 2}, "compliance-plus"),
    "compliant below mandatory score 2": Case(CFS, CFS_3, {"HANDLE.1.1": 1}, None),
}


def moderated_scores(model: Framework, case: Case) -> dict[str, int]:
    scores = {
        e.code: case.themes[theme.code]
        for theme in model.themes
        for c in theme.criteria
        for e in c.elements
    }
    assert set(case.elements) <= set(scores), set(case.elements) - set(scores)
    return {**scores, **case.elements}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_confirmed_award_follows_the_framework_rules(client: AsyncClient, case: Case) -> None:
    async with db.transaction():  # one commit for the hundred rows the factory writes
        version = await make_framework_version(case.framework)
        model = frameworks.model_of(version)
        organisation = await make_organisation()
        decider = await make_user("lead_assessor")
        assessment = await make_assessment(
            organisation,
            state="moderated",
            framework_version=version,
            moderated=moderated_scores(model, case),
        )
    response = await client.post(
        f"/api/v1/assessments/{assessment['id']}/decide",
        json={"outcome": "confirm", "note": ""},
        headers=await bearer(decider),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["award"] or {}).get("code") == case.award
    assert (body["certificate"] is None) == (case.award is None)
    if case.exact:
        stored = (
            await Assessment.select(Assessment.moderated_result)
            .where(Assessment.id == assessment["id"])
            .output(load_json=True)
            .first()
        )
        where, value = case.exact
        result = stored["moderated_result"]
        assert (result["overall"] if where == "overall" else result["themes"][where]) == value
