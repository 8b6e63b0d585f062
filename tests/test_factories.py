"""The factories build what they claim, so tests built on them stand on firm ground."""

from fractions import Fraction

from tests.factories import make_assessment, make_organisation


async def test_concluded_assessment_at_top_score_earns_highest_award() -> None:
    org = await make_organisation()
    concluded = await make_assessment(org, state="concluded")
    assert concluded["status"] == "concluded"
    assert Fraction(concluded["moderated_percent"]) == 100
    assert concluded["award_code"] is not None


async def test_concluded_assessment_at_bottom_score_earns_no_award() -> None:
    org = await make_organisation()
    concluded = await make_assessment(org, state="concluded", default_score=0)
    assert Fraction(concluded["moderated_percent"]) == 0
    assert concluded["award_code"] is None
