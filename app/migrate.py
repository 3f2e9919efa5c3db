"""Running Alembic migrations from code (CLI, tests), against any database URL."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from app.config import Settings


def alembic_config(settings: Settings, database_url: str | None = None) -> Config:
    """An Alembic config whose scripts are the project's and whose URL is given or configured."""
    config = Config()
    config.set_main_option("script_location", str(settings.migrations_dir))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url or settings.database_url
    return config


def upgrade(settings: Settings, revision: str = "head", database_url: str | None = None) -> None:
    """Apply migrations up to `revision`."""
    command.upgrade(alembic_config(settings, database_url), revision)


def downgrade(settings: Settings, revision: str, database_url: str | None = None) -> None:
    """Revert migrations down to `revision` (`base` for an empty database)."""
    command.downgrade(alembic_config(settings, database_url), revision)
