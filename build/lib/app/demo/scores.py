"""The demo's scores, pure and deterministic: what the assessor moderates and what the department
claimed, generated from a round's maturity level so that the awards come out as the story says."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from app.assessments.scoring import Answer, award_for, score
from app.demo.story import Round
from app.frameworks.model import Framework


@dataclass(frozen=True)
class Marks:
    """Per element code: the department's answer and the assessor's final moderated answer."""

    department: dict[str, Answer]
    moderated: dict[str, Answer]


def _level(round_: Round, theme: str) -> float:
    return round_.level[theme] if isinstance(round_.level, dict) else round_.level


def seed_of(round_: Round, index: int) -> str:
    return f"{round_.organisation}:{round_.framework}:{index}"


def marks(framework: Framework, round_: Round, index: int) -> Marks:
    """Moderated scores spread around the round's level, a few a level further out (mandatory
    elements held at its rounded level, as organisations put their effort there); the department
    a level higher where it was optimistic, and now and then a level lower."""
    rng = random.Random(seed_of(round_, index))
    lo, hi = framework.lowest, framework.highest
    department: dict[str, Answer] = {}
    moderated: dict[str, Answer] = {}
    for theme in framework.themes:
        level = _level(round_, theme.code)
        for element in (e for c in theme.criteria for e in c.elements):
            draw, spread, lean = rng.random(), rng.random(), rng.random()
            if element.code in round_.not_applicable:
                department[element.code] = moderated[element.code] = Answer(None, True)
                continue
            value = math.floor(level + draw) + (spread > 0.9) - (spread < 0.1)
            if element.mandatory:
                value = max(value, round(level))
            value = min(max(value, lo), hi)
            moderated[element.code] = Answer(value)
            if lean < round_.optimism and value < hi:
                department[element.code] = Answer(value + 1)
            elif lean > 0.96 and value > lo:
                department[element.code] = Answer(value - 1)
            else:
                department[element.code] = Answer(value)
    return Marks(department, moderated)


def award_code(framework: Framework, moderated: dict[str, Answer]) -> str | None:
    award = award_for(framework, moderated, score(framework, moderated))
    return award.code if award else None


def first_look(framework: Framework, final: Answer) -> Answer:
    """The assessor's first moderated score on an element the lead later asked them to revisit:
    a level more generous than where they ended up (or less, at the top of the scale)."""
    assert final.score is not None
    if final.score < framework.highest:
        return Answer(final.score + 1)
    return Answer(final.score - 1)
