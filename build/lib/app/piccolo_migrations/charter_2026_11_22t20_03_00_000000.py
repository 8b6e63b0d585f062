"""Composite unique keys, as unique indexes: SQLite cannot add a constraint to an existing table."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.db import engine

ID = "2026-11-22T20:03:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite unique keys"

UNIQUE_INDEXES = [
    ("framework_version_slug_version_key", "framework_version", "slug, version"),
    ("response_assessment_element_key", "response", "assessment, element_code"),
    ("response_evidence_pair_key", "response_evidence", "response, evidence"),
    ("moderation_assessment_element_key", "moderation", "assessment, element_code"),
]


def _unique_index(name: str, table: str, columns: str):
    async def run():
        await engine().run_ddl(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {table} ({columns})")

    return run


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="charter", description=DESCRIPTION)
    for name, table, columns in UNIQUE_INDEXES:
        manager.add_raw(_unique_index(name, table, columns))
    return manager
