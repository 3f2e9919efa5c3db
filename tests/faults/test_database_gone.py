"""The database goes away in the middle of a request (PostgreSQL): the request answers a
503 problem, nothing of it is written, and the service recovers when the database returns.

Only a database this test creates is touched: its backends are terminated and new
connections to it are refused for a while.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app import migrate
from app.audit.models import AuditEvent
from app.credentials.models import Credential
from app.db import make_sessionmaker
from app.main import create_app
from tests.conftest import create_postgres_database, drop_postgres_database, settings_for
from tests.credentials.factories import issue_body, issuing_setup

pytestmark = pytest.mark.postgres


@pytest.fixture
def own_database(postgres_server: str) -> Iterator[str]:
    url = create_postgres_database(postgres_server)
    try:
        yield url
    finally:
        drop_postgres_database(postgres_server, url)


def _cut_off(admin_url: str, name: str, *, allow: bool) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}')
        if not allow:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )


def test_issuing_while_the_database_goes_away_is_503_then_recovers(
    postgres_server: str, own_database: str, tmp_path: Path
) -> None:
    settings = settings_for(own_database, tmp_path)
    migrate.upgrade(settings, "head", database_url=own_database)
    name = own_database.rsplit("/", 1)[1]
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            db: Session = make_sessionmaker(app.state.engine)()
            setup = issuing_setup(client, app, db)
            events_before = db.scalar(select(func.count()).select_from(AuditEvent))
            db.close()

            cut: list[bool] = []

            def go_away(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
                # In the middle of issuing: after it has read and allocated, at its insert.
                if not cut and statement.lstrip().upper().startswith("INSERT INTO CREDENTIAL"):
                    cut.append(True)
                    _cut_off(postgres_server, name, allow=False)

            event.listen(app.state.engine, "before_cursor_execute", go_away)
            try:
                response = client.post(
                    "/api/v1/credentials",
                    headers=setup.provider,
                    json=issue_body(setup.curriculum_id),
                )
            finally:
                event.remove(app.state.engine, "before_cursor_execute", go_away)
            assert cut == [True]
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"].endswith("/service-unavailable")
            assert "retry-after" in response.headers

            # Still away: requests are 503 too, not 500.
            down = client.get("/api/v1/credentials", headers=setup.provider)
            assert down.status_code == 503, down.text

            _cut_off(postgres_server, name, allow=True)
            db = make_sessionmaker(app.state.engine)()
            assert db.scalar(select(func.count()).select_from(Credential)) == 0
            assert db.scalar(select(func.count()).select_from(AuditEvent)) == events_before
            db.close()

            again = client.post(
                "/api/v1/credentials", headers=setup.provider, json=issue_body(setup.curriculum_id)
            )
            assert again.status_code == 201, again.text
    finally:
        _cut_off(postgres_server, name, allow=True)
        app.state.engine.dispose()
