"""What one answer may be: the checks of a department's answer against its framework (pure)."""

from __future__ import annotations

from app.frameworks.model import Element, Framework

MAX_NARRATIVE = 20_000


def validate_answer(
    framework: Framework, element: Element, score: int | None, not_applicable: bool, narrative: str
) -> dict[str, str]:
    """Problems with one answer, by API field name."""
    problems: dict[str, str] = {}
    if not_applicable:
        if not framework.scale.allow_not_applicable:
            problems["not_applicable"] = (
                f"{framework.title} does not allow an element to be marked not applicable"
            )
        elif score is not None:
            problems["score"] = "Leave the score empty when the element is not applicable"
        elif not narrative.strip():
            problems["narrative"] = (
                f"Explain why {element.code} does not apply to your organisation"
            )
    elif score is not None and framework.level(score) is None:
        values = [str(level.value) for level in framework.scale.levels]
        problems["score"] = f"Score must be a level on the scale: {', '.join(values)}"
    if len(narrative) > MAX_NARRATIVE:
        problems["narrative"] = f"Narrative must be {MAX_NARRATIVE:,} characters or fewer"
    return problems
