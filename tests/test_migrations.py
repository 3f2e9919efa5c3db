"""Migrations build the whole schema, and every revision downgrades cleanly, on both engines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import inspect

from app import migrate
from app.db import make_engine
from app.models import Base
from tests.conftest import ENGINES, settings_for


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("engine_name", ENGINES)
def test_upgrade_downgrade_upgrade(
    engine_name: str, empty_database_factory: Callable[[str], str], tmp_path: Path
) -> None:
    url = empty_database_factory(engine_name)
    settings = settings_for(url, tmp_path)
    expected = {table.name for table in Base.metadata.sorted_tables}

    migrate.upgrade(settings, "head", database_url=url)
    assert table_names(url) == expected
    migrate.downgrade(settings, "base", database_url=url)
    assert table_names(url) == set()
    migrate.upgrade(settings, "head", database_url=url)
    assert table_names(url) == expected
