"""Whether someone's employer leaves them independent of an assessed organisation, and if not,
how the two are tied, in words for the refusal (contract.md § Independence)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from app.accounts.policy import is_independent_of
from app.organisations.service import family
from app.organisations.tables import Organisation


@dataclass(frozen=True)
class Tie:
    """How an employer is tied to the assessed organisation."""

    same: bool  # the employer is the assessed organisation itself
    words: str  # "X, the organisation being assessed" / "X, which Y is part of" / ...


async def tie(employer_id: UUID | None, assessed_id: UUID) -> Tie | None:
    """None when people employed by `employer_id` are independent of `assessed_id`."""
    if employer_id is None:
        return None
    assessed_family = await family(assessed_id)
    if is_independent_of(employer_id, assessed_family.members):
        return None
    rows = await Organisation.select(Organisation.id, Organisation.name).where(
        Organisation.id.is_in([employer_id, assessed_id])
    )
    names = {r["id"]: r["name"] for r in rows}
    employer = names.get(employer_id, "their employer")
    assessed = names.get(assessed_id, "the organisation being assessed")
    relation = assessed_family.relation(employer_id)
    if relation == "same":
        return Tie(True, f"{employer}, the organisation being assessed")
    if relation == "above":
        return Tie(False, f"{employer}, which {assessed} is part of")
    return Tie(False, f"{employer}, which is part of {assessed}")


async def family_members(organisation_id: UUID) -> frozenset[UUID]:
    """The organisation and every organisation above or below it."""
    return (await family(organisation_id)).members
