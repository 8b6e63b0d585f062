"""Apply pending Piccolo migrations."""

from __future__ import annotations

from piccolo.apps.migrations.commands.forwards import run_forwards


async def migrate() -> None:
    response = await run_forwards(app_name="charter", migration_id="all", fake=False)
    if not response.success:
        raise SystemExit(f"Migrations failed: {response.message}")
