"""Test fixtures: the real app over HTTP against real databases migrated with Alembic.

Every API test runs on both engines: the embedded SQLite file and PostgreSQL. PostgreSQL
tests skip (saying why) when no server answers, except under `CI=true`, where an
unreachable server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from argon2 import Parameters, PasswordHasher, Type
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app import migrate
from app.auth import passwords
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.main import create_app
from app.models import Base

POSTGRES_ADMIN_URL = os.environ.get(
    "NASSC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
# The live server and the shared headless Chromium, for the page tests; and a check that
# every response the suite gets is documented in the OpenAPI document.
pytest_plugins = ("tests.browser", "tests.openapi_recorder")
ENGINES = ("sqlite", pytest.param("postgres", marks=pytest.mark.postgres))


def settings_for(database_url: str, tmp_path: Path, **overrides: object) -> Settings:
    """Settings for a test app: its own database, key folder and generous rate limits."""
    values: dict[str, object] = {
        "database_url": database_url,
        "environment": "development",
        "public_base_url": "http://testserver",
        "token_secret": "test-token-secret-0123456789abcdef",
        "key_passphrase": "test-key-passphrase-0123456789abcdef",
        "keys_dir": tmp_path / "keys",
        "rate_limit_per_minute": 100_000,
        "rate_limit_burst": 100_000,
        "log_level": "WARNING",
        # Each verification event is written with its request, so tests can read it at once.
        "verification_event_buffer_seconds": 0,
        # No test reaches the network; tests of other nodes' lists inject a fetcher.
        "fetch_trusted_status_lists": False,
        # Nor does the VC API resolve did:web issuers; tests/vcapi/test_did_web.py injects one.
        "resolve_did_web": False,
        # Tests count audit events exactly; the schedule is tested on its own.
        "audit_checkpoint_seconds": 0,
        # Batches are resumed at startup only; the periodic reclaim is tested on its own.
        "batch_reclaim_seconds": 0,
        # Proofs are checked in the request's thread, so an app per test starts no processes;
        # tests/verification/test_proof_workers.py runs the worker pool.
        "verification_processes": 0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def _postgres_reachable() -> str | None:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip() or error.__class__.__name__


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The admin URL of a reachable PostgreSQL server (skip, or fail in CI, if none)."""
    problem = _postgres_reachable()
    if problem is not None:
        message = f"PostgreSQL at {POSTGRES_ADMIN_URL} is unreachable: {problem}"
        if IN_CI:
            pytest.fail(message + " (CI=true requires the PostgreSQL tests to run)")
        pytest.skip(message)
    return POSTGRES_ADMIN_URL


def create_postgres_database(admin_url: str) -> str:
    """Create an empty, uniquely named database and return its URL."""
    name = f"nassc_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(admin_url: str, url: str) -> None:
    """Drop a database made by `create_postgres_database`."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def empty_database_factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[object]:
    """Makes empty databases of either engine; drops the PostgreSQL ones at the end."""
    created: list[tuple[str, str]] = []

    def factory(engine_name: str) -> str:
        if engine_name == "sqlite":
            folder = tmp_path_factory.mktemp("sqlite")
            return f"sqlite:///{folder / 'nassc.db'}"
        admin_url = request.getfixturevalue("postgres_server")
        url = create_postgres_database(admin_url)
        created.append((admin_url, url))
        return url

    yield factory
    for admin_url, url in created:
        drop_postgres_database(admin_url, url)


@pytest.fixture(scope="session", params=ENGINES)
def migrated_database(request: pytest.FixtureRequest, empty_database_factory: object) -> str:
    """A database of each engine, built once per session by `alembic upgrade head`."""
    url: str = empty_database_factory(request.param)  # type: ignore[operator]
    migrate.upgrade(settings_for(url, Path(".")), "head", database_url=url)
    return url


def _emptying_statement(engine: Engine) -> str:
    """One round trip that deletes every row, children first, and restarts every sequence.

    On PostgreSQL, DELETE on the few tables a test filled is about ten times faster than
    TRUNCATE, which replaces the files of every table whether it holds rows or not.
    """
    # Table names come from our own metadata, not from input.
    tables = [
        f'DELETE FROM "{table.name}"'  # noqa: S608
        for table in reversed(Base.metadata.sorted_tables)
    ]
    if engine.dialect.name != "postgresql":
        return "; ".join(tables)
    with engine.connect() as connection:
        sequences = connection.execute(
            text("SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences")
        ).scalars()
        restarts = ", ".join(f"setval('{name}', 1, false)" for name in sequences)
    return "; ".join(tables + ([f"SELECT {restarts}"] if restarts else []))


@pytest.fixture(scope="session")
def database_emptier(migrated_database: str) -> Iterator[Callable[[], None]]:
    """Empties the session's database; one engine and statement for the whole session."""
    engine = make_engine(migrated_database)
    statement = _emptying_statement(engine)

    def empty() -> None:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql(statement)
            else:
                for single in statement.split("; "):
                    connection.exec_driver_sql(single)

    yield empty
    engine.dispose()


@pytest.fixture
def settings(
    migrated_database: str, database_emptier: Callable[[], None], tmp_path: Path
) -> Settings:
    """Settings for one test, on a database emptied before the test."""
    database_emptier()
    return settings_for(migrated_database, tmp_path)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    """The application under test (its engine is disposed afterwards)."""
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client bound to the app (lifespan included)."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def db(app: FastAPI) -> Iterator[Session]:
    """A session on the test database, for factories and direct checks."""
    session: Session = make_sessionmaker(app.state.engine)()
    try:
        yield session
    finally:
        session.close()


# Argon2id with the smallest parameters it allows: the same algorithm and code paths, without
# spending 64 MiB and three passes (a second on a busy core) on every test user and client.
# tests/auth/test_passwords.py checks the production parameters.
TEST_PASSWORD_PARAMETERS = Parameters(
    type=Type.ID,
    version=19,
    salt_len=16,
    hash_len=16,
    time_cost=1,
    memory_cost=8,
    parallelism=1,
)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """Cheap Argon2id parameters for every test of this process."""
    hasher = PasswordHasher.from_parameters(TEST_PASSWORD_PARAMETERS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", hasher)
        yield
