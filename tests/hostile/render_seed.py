"""Run as `python -m tests.hostile.render_seed` with a server's CHARTER_* environment: migrates
its database, then stores a department with three concluded assessments, a contributor's API
token and a certificate sealed at issue; prints them as one line of JSON for the renderer tests."""

from __future__ import annotations

import asyncio
import json

from app import db
from app.accounts.actor import SystemActor
from app.certificates import service as certificates
from app.migrations import migrate
from app.settings import Settings
from tests.factories import (
    make_assessment,
    make_framework_version,
    make_organisation,
    make_user,
    token_for,
)

SCORES = (4, 3, 2)  # different answers: three different reports


async def main() -> None:
    settings = Settings.from_env()
    await db.start()
    try:
        await migrate()
        org = await make_organisation(slug="ministry-of-renders", name="Ministry of Renders")
        contributor = await make_user("dept_contributor", org)
        version = await make_framework_version()
        concluded = [
            await make_assessment(
                org, state="concluded", framework_version=version, default_score=score
            )
            for score in SCORES
        ]
        certificate = await certificates.issue(SystemActor("seed"), concluded[0]["id"], settings)
        await certificates.seal(settings, certificate["id"])
        summary = {
            "token": await token_for(contributor),
            "assessments": [str(a["id"]) for a in concluded],
            "certificate": certificate["id"],
        }
    finally:
        await db.stop()
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
