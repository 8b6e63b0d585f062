"""The moderation pages' forms: parse what was posted, keep it as typed, and validate() -> {field:
message} for what the page must ask for (the services check the rules, under the same names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.moderation.rules import ModeratedAnswer

NOT_APPLICABLE = "na"


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True)
class AssignForm:
    user: str = ""
    declaration: str = ""

    @classmethod
    def parse(cls, form: Any) -> AssignForm:
        return cls(_text(form, "user"), _text(form, "declaration"))

    def validate(self) -> dict[str, str]:
        return {} if self.user else {"user": "Choose the assessor to assign"}


@dataclass(frozen=True)
class DeclarationForm:
    declaration: str = ""

    @classmethod
    def parse(cls, form: Any) -> DeclarationForm:
        return cls(_text(form, "declaration"))


@dataclass(frozen=True)
class ModerationForm:
    score: str = ""  # a scale value, "na", or "" when nothing was chosen
    rationale: str = ""
    strength: str = ""
    improvement: str = ""
    revision: str = "0"

    @classmethod
    def parse(cls, form: Any) -> ModerationForm:
        return cls(
            score=_text(form, "score"),
            rationale=_text(form, "rationale"),
            strength=_text(form, "strength"),
            improvement=_text(form, "improvement"),
            revision=_text(form, "revision") or "0",
        )

    @classmethod
    def of(cls, moderated: dict[str, Any] | None, revision: int) -> ModerationForm:
        """The form as stored, for the first view of the page."""
        if moderated is None:
            return cls(revision=str(revision))
        score = NOT_APPLICABLE if moderated["not_applicable"] else str(moderated["score"])
        return cls(
            score=score,
            rationale=moderated["rationale"],
            strength=moderated["strength"],
            improvement=moderated["improvement"],
            revision=str(revision),
        )

    def validate(self) -> dict[str, str]:
        problems = {}
        if not self.score:
            problems["score"] = "Choose the moderated score"
        elif self.score != NOT_APPLICABLE and not self.score.lstrip("-").isdigit():
            problems["score"] = "Choose one of the scores shown"
        if not self.revision.isdigit():
            problems["revision"] = "Reload the page: the form was incomplete"
        return problems

    def answer(self) -> ModeratedAnswer:
        not_applicable = self.score == NOT_APPLICABLE
        return ModeratedAnswer(
            score=None if not_applicable or not self.score else int(self.score),
            not_applicable=not_applicable,
            rationale=self.rationale,
            strength=self.strength,
            improvement=self.improvement,
        )


@dataclass(frozen=True)
class ReturnForm:
    reason: str = ""
    elements: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, form: Any) -> ReturnForm:
        chosen = [
            v.strip() for v in form.getall("elements", []) if isinstance(v, str) and v.strip()
        ]
        return cls(_text(form, "reason"), chosen)


@dataclass(frozen=True)
class DecisionForm:
    outcome: str = ""
    note: str = ""

    @classmethod
    def parse(cls, form: Any) -> DecisionForm:
        return cls(_text(form, "outcome"), _text(form, "note"))

    def validate(self) -> dict[str, str]:
        if self.outcome not in ("confirm", "refer_back"):
            return {
                "outcome": "Choose whether to confirm the award or refer it back to the assessor"
            }
        return {}
