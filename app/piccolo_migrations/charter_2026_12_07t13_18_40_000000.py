"""Certificates issued before the name was kept: the organisation's name now is the best record
of the name then, since no organisation could be renamed before this release."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-12-07T13:18:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "certificates issued earlier keep their organisation's present name"

BACKFILL = """
UPDATE certificate SET issued_to = (
    SELECT organisation.name FROM organisation WHERE organisation.id = certificate.organisation
) WHERE issued_to = ''
"""


async def backfill() -> None:
    await engine().run_ddl(BACKFILL)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="charter", description=DESCRIPTION)
    manager.add_raw(backfill)
    return manager
