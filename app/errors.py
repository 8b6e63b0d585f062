"""Domain exceptions raised by services; main.py turns them into HTTP answers in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class NotFound(DomainError):
    """It does not exist, or the user may not see it (ids reveal nothing)."""

    status_code = 404

    def __init__(self, what: str = "Not found") -> None:
        super().__init__(what)


class Forbidden(DomainError):
    """The user may see the object but their role may not do this to it."""

    status_code = 403


class Conflict(DomainError):
    """The object is in a state that does not allow this, or was changed by someone else."""

    status_code = 409


class Invalid(DomainError):
    """Input that breaks a rule: problems maps a field (or element code) to a message."""

    status_code = 422

    def __init__(self, problems: dict[str, str], message: str = "There is a problem") -> None:
        super().__init__(message, problems=problems)
        self.problems = problems


class TooLarge(DomainError):
    status_code = 413


class TooBusy(DomainError):
    """Too much of this is in progress for this person now; they may try again shortly."""

    status_code = 429

    def __init__(self, message: str, retry_after: int = 10) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after
