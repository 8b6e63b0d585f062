"""The element form: parse a post, check its shape, map service problems onto its fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from litestar.datastructures import FormMultiDict

from app.assessments.views import ResponseView

NOT_APPLICABLE = "na"
FIELDS = (
    "score",
    "justification",
    "narrative",
    "evidence_search",
    "evidence",
    "revision",
)  # as the page shows them


@dataclass
class ElementForm:
    """What the element page posts. `score` is a scale value, "na" or empty; the justification is
    kept apart from the narrative on the page and becomes the narrative when not applicable."""

    score: str = ""
    justification: str = ""
    narrative: str = ""
    evidence: list[str] = field(default_factory=list)
    revision: str = "0"

    @classmethod
    def parse(cls, form: FormMultiDict) -> ElementForm:
        return cls(
            score=str(form.get("score") or "").strip(),
            justification=str(form.get("justification") or ""),
            narrative=str(form.get("narrative") or ""),
            evidence=[str(e) for e in form.getall("evidence", []) if e],
            revision=str(form.get("revision") or "0").strip(),
        )

    @classmethod
    def of(cls, response: ResponseView) -> ElementForm:
        """The form as the saved response fills it."""
        if response.not_applicable:
            return cls(
                NOT_APPLICABLE,
                response.narrative,
                "",
                [str(e) for e in response.evidence],
                str(response.revision),
            )
        score = "" if response.score is None else str(response.score)
        return cls(
            score,
            "",
            response.narrative,
            [str(e) for e in response.evidence],
            str(response.revision),
        )

    @property
    def not_applicable(self) -> bool:
        return self.score == NOT_APPLICABLE

    def validate(self) -> dict[str, str]:
        """Problems of shape only; the rules (scale, evidence, justification) are the service's."""
        problems: dict[str, str] = {}
        if self.score and not self.not_applicable and not self.score.lstrip("-").isdigit():
            problems["score"] = "Choose a level on the scale"
        if self.not_applicable and self.narrative.strip():
            # One stored text holds either the narrative or the justification: never drop one.
            problems["narrative"] = (
                "You chose not applicable: move this text into why it does not apply, "
                "or choose a level instead"
            )
        if not self.revision.isdigit():
            problems["revision"] = "The form is out of date: reload the page and try again"
        return problems

    def answer(self) -> dict[str, Any]:
        """Keyword arguments for service.save_response."""
        return {
            "score": None if not self.score or self.not_applicable else int(self.score),
            "not_applicable": self.not_applicable,
            "narrative": self.justification if self.not_applicable else self.narrative,
            "evidence_ids": list(self.evidence),
            "revision": int(self.revision),
        }

    def same_answer_as(self, response: ResponseView) -> bool:
        """Whether saving this would change nothing (a person's own autosave got there first)."""
        mine, theirs = self.answer(), ElementForm.of(response).answer()
        for answer in (mine, theirs):
            answer.pop("revision")
            answer["evidence_ids"] = sorted(set(answer["evidence_ids"]))
        return mine == theirs

    @staticmethod
    def in_page_order(errors: Mapping[str, str]) -> dict[str, str]:
        """The error summary lists problems in the order the fields appear."""
        rank = {name: index for index, name in enumerate(FIELDS)}
        return dict(sorted(errors.items(), key=lambda item: rank.get(item[0], len(FIELDS))))

    def errors_from(self, problems: Mapping[str, str]) -> dict[str, str]:
        """Service problems by API field, as the page's fields (the justification is the narrative
        when not applicable; "not applicable" is one of the score radios)."""
        errors: dict[str, str] = {}
        for name, message in problems.items():
            if name == "narrative" and self.not_applicable:
                errors["justification"] = message
            elif name in ("not_applicable", "score"):
                errors["score"] = message
            else:
                errors[name] = message
        return errors
