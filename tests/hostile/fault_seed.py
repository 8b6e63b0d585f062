"""Run as `python -m tests.hostile.fault_seed` with a server's CHARTER_* environment: migrates
its database, then stores a department, its lead (with an API token), the shipped framework and
a draft assessment; prints them as one line of JSON for the fault tests."""

from __future__ import annotations

import asyncio
import json

from app import db
from app.frameworks import service as frameworks
from app.migrations import migrate
from tests.factories import (
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
    token_for,
)


async def main() -> None:
    await db.start()
    try:
        await migrate()
        org = await make_organisation(slug="ministry-of-faults", name="Ministry of Faults")
        lead = await make_user("dept_lead", org)
        version = await make_framework_version()
        draft = await make_assessment(org, framework_version=version, created_by=lead)
        model = frameworks.model_of(version)
        summary = {
            "organisation": org["slug"],
            "token": await token_for(lead),
            "email": lead["email"],
            "assessment": str(draft["id"]),
            "elements": [e.code for e in model.elements()],
            "highest": model.highest,
        }
    finally:
        await db.stop()
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
