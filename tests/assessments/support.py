"""A small framework and evidence rows for the assessment tests (the shipped ones are long)."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

from app.evidence.tables import Evidence
from tests.factories import make_framework_version

SMALL_FRAMEWORK = """
format: 1
slug: small-standard
version: "1.0"
title: Small Standard
scale:
  levels:
    - {value: 0, label: Not in place, description: Nothing is done yet.}
    - {value: 1, label: Developing, description: Some teams do it.}
    - {value: 2, label: Established, description: Everyone does it.}
  allow_not_applicable: true
awards:
  - code: accredited
    label: Accredited
    rules: {min_overall_percent: 50}
themes:
  - code: LEAD
    title: Leadership
    weight: 2
    criteria:
      - code: LEAD.1
        title: Vision
        elements:
          - code: LEAD.1.1
            statement: Leaders publish a vision for customer service.
            guidance: Look for a board paper that adopts it.
            evidence_examples: [Board minutes]
            evidence_required: true
          - code: LEAD.1.2
            statement: Leaders review complaints every quarter.
  - code: INS
    title: Insight
    criteria:
      - code: INS.1
        title: Knowing customers
        elements:
          - code: INS.1.1
            statement: The organisation knows who its customers are.
"""

CODES = ("LEAD.1.1", "LEAD.1.2", "INS.1.1")
_seq = itertools.count(1)


async def small_framework(version: str = "1.0") -> dict[str, Any]:
    return await make_framework_version(text=SMALL_FRAMEWORK.replace('"1.0"', f'"{version}"'))


async def make_evidence(
    organisation: dict[str, Any], user: dict[str, Any], title: str = ""
) -> dict[str, Any]:
    """An evidence row (metadata only: these tests never read the file)."""
    n = next(_seq)
    item = Evidence(
        organisation=organisation["id"],
        title=title or f"Board minutes {n}",
        filename=f"minutes-{n}.pdf",
        media_type="application/pdf",
        size=1234,
        sha256=hashlib.sha256(str(n).encode()).hexdigest(),
        uploaded_by=user["id"],
    )
    await item.save()
    return item.to_dict()


async def many_evidence(
    organisation: dict[str, Any],
    user: dict[str, Any],
    count: int,
    title: str = "Letter {n:03d}",
    description: str = "",
) -> None:
    """`count` evidence rows in one insert (metadata only), titled by `title` formatted with n."""
    await Evidence.insert(
        *[
            Evidence(
                organisation=organisation["id"],
                title=title.format(n=n),
                description=description,
                filename=f"letter-{n}.pdf",
                media_type="application/pdf",
                size=100,
                sha256=hashlib.sha256(f"many {n}".encode()).hexdigest(),
                uploaded_by=user["id"],
            )
            for n in range(count)
        ]
    )


def answer(revision: int = 0, score: int | None = 2, **fields: Any) -> dict[str, Any]:
    """A PUT body for one response."""
    return {
        "revision": revision,
        "score": score,
        "not_applicable": False,
        "narrative": "",
        "evidence": [],
        **fields,
    }
