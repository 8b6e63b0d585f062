"""Loading a framework file sent over the API: the same validation and storing as `charter frameworks load`."""

from __future__ import annotations

from typing import Any

from app.accounts.actor import Actor
from app.accounts.roles import Role
from app.errors import Forbidden, Invalid
from app.frameworks import service
from app.frameworks.loader import read_framework
from app.frameworks.problems import FrameworkInvalid
from app.frameworks.reading import MAX_BYTES

UPLOADED = "uploaded"  # the source name of a file that came over the API


async def upload(actor: Actor, data: bytes) -> tuple[dict[str, Any], bool]:
    """Validate then store one framework file: (row, created). Invalid (422) keyed by
    LINE:COLUMN with every problem; Conflict (409) for changed content under a stored version."""
    if actor.role != Role.ADMIN:
        raise Forbidden("Only an administrator can load frameworks")
    if len(data) > MAX_BYTES:
        raise Invalid({"file": f"A framework file must be {MAX_BYTES // 2**20} MB or smaller"})
    try:
        loaded = read_framework(data, UPLOADED)
    except FrameworkInvalid as exc:
        problems: dict[str, str] = {}
        for problem in exc.problems:
            where = f"{problem.line}:{problem.column or 1}" if problem.line else "file"
            problems[where] = (
                f"{problems[where]}; {problem.message}" if where in problems else problem.message
            )
        count = len(exc.problems)
        raise Invalid(
            problems,
            message=f"The framework file has {count} problem{'s' if count != 1 else ''}: "
            + "; ".join(f"{k}: {v}" for k, v in problems.items()),
        ) from exc
    return await service.store(actor, loaded, UPLOADED)
