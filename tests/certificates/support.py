"""Shared setup for certificate tests: a concluded assessment with its certificate issued."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from app import db
from app.accounts.actor import SystemActor
from app.certificates import service
from tests.factories import make_assessment, make_framework_version, make_organisation

# Small, so that tests which need a concluded assessment stay fast; its own certificate terms.
SMALL_FRAMEWORK = """
format: 1
slug: small-service-standard
version: "2027.2"
title: Small Service Standard
scale:
  levels:
    - {value: 0, label: Not in place}
    - {value: 1, label: Developing}
    - {value: 2, label: Established}
awards:
  - code: gold
    label: Gold Service Award
    rules: {min_overall_percent: 90}
  - code: silver
    label: Silver Service Award
    rules: {min_overall_percent: 50}
certificate:
  validity_months: 24
  review_months: 6
themes:
  - code: CARE
    title: Care
    criteria:
      - code: CARE.1
        title: Caring
        elements:
          - {code: CARE.1.1, statement: Staff are kind to customers.}
          - {code: CARE.1.2, statement: Staff follow up on promises., mandatory: true}
  - code: FIX
    title: Fixing things
    criteria:
      - code: FIX.1
        title: Putting things right
        elements:
          - {code: FIX.1.1, statement: Complaints are resolved quickly.}
"""


async def issued_certificate(
    **assessment: Any,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(organisation, assessment, certificate as issue() answers it), on the small framework."""
    async with db.transaction():  # one commit for the whole setup
        org = await make_organisation(name="Ministry of Examples")
        framework = await make_framework_version(text=SMALL_FRAMEWORK)
        concluded = await make_assessment(
            org, state="concluded", framework_version=framework, **assessment
        )
        certificate = await service.issue(SystemActor("tests"), concluded["id"])
    return org, concluded, certificate


def pdf_text(data: bytes) -> str:
    """The PDF's text, whitespace collapsed to single spaces (layout breaks lines anywhere)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
