"""What is wrong with a framework file, and where: each prints as PATH:LINE:COLUMN: message."""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import DomainError


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None  # 1-based; None only where the place is truly unknown
    column: int | None  # 1-based
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.column or 1}: {self.message}"


def _sort_key(problem: Problem) -> tuple[int, int, str]:
    return (problem.line or 0, problem.column or 0, problem.message)


class FrameworkInvalid(DomainError):
    """A framework file breaks the format; `problems` lists every problem found, in file order."""

    status_code = 422

    def __init__(self, problems: list[Problem]) -> None:
        ordered = sorted(dict.fromkeys(problems), key=_sort_key)
        count = len(ordered)
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"The framework file has {count} {noun}", problems=[str(p) for p in ordered]
        )
        self.problems: list[Problem] = ordered

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
