"""The tables and the migrations must describe the same schema."""

from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder


async def test_tables_and_migrations_do_not_drift() -> None:
    app_config = Finder().get_app_config("charter")
    alter_statements = await AutoMigrationManager().get_alter_statements(app_config=app_config)
    pending = [s for group in alter_statements for s in group.statements]
    assert pending == [], (
        "Table classes differ from the migrations; run "
        "`piccolo migrations new charter --auto` and read the result:\n" + "\n".join(pending)
    )
