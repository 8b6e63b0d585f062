"""The demo's generated scores (pure): the awards come out as the story tells."""

from __future__ import annotations

from functools import cache

import pytest

from app.assessments.scoring import score
from app.demo.scores import award_code, marks
from app.demo.story import ROUNDS
from app.frameworks.loader import load_file
from app.frameworks.model import Framework
from tests.factories import FRAMEWORKS_DIR


@cache
def framework(slug: str) -> Framework:
    return load_file(FRAMEWORKS_DIR / f"{slug}.yaml").framework


DECIDED = [(i, r) for i, r in enumerate(ROUNDS) if r.ends in ("moderated", "concluded")]


@pytest.mark.parametrize(("index", "round_"), DECIDED, ids=[r.organisation for _, r in DECIDED])
def test_moderated_scores_earn_the_award_the_story_tells(index, round_) -> None:
    fw = framework(round_.framework)
    assert award_code(fw, marks(fw, round_, index).moderated) == round_.award


def test_departments_rate_themselves_higher_than_their_assessors_on_the_whole() -> None:
    higher = 0
    for index, round_ in enumerate(ROUNDS):
        fw = framework(round_.framework)
        given = marks(fw, round_, index)
        department, moderated = score(fw, given.department), score(fw, given.moderated)
        assert department.overall is not None and moderated.overall is not None
        higher += department.overall > moderated.overall
    assert higher > len(ROUNDS) * 3 // 4
