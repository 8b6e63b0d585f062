"""Apply pending Piccolo migrations, and tell whether a database has them all."""

from __future__ import annotations

from piccolo.apps.migrations.commands.check import CheckMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.tables import Migration

from app.errors import DomainError

APP = "charter"


class NotMigrated(DomainError):
    """The database lacks some of Charter's migrations (or all: a new database)."""


async def migrate() -> None:
    response = await run_forwards(app_name=APP, migration_id="all", fake=False)
    if not response.success:
        raise SystemExit(f"Migrations failed: {response.message}")


async def pending() -> int:
    """How many of Charter's migrations the database has not had; read only, nothing created."""
    manager = CheckMigrationManager(APP)
    if not await Migration.table_exists().run():
        config = manager.get_app_config(APP)
        modules = manager.get_migration_modules(config.resolved_migrations_folder_path)
        return len(manager.get_migration_ids(modules))
    return await manager.havent_ran_count()


async def require_current() -> None:
    """NotMigrated, saying what to run, unless every migration has been applied."""
    missing = await pending()
    if missing:
        raise NotMigrated(
            f"the database is missing {missing} of Charter's migrations"
            " (a new database has none): run `charter migrate` first"
        )
