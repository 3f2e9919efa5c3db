"""Database engine, declarative base and the one-transaction-per-request session dependency."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, Request
from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    MetaData,
    String,
    TypeDecorator,
    create_engine,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Session, sessionmaker
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000

JSONDocument = JSON().with_variant(JSONB(), "postgresql")
"""The column type of stored JSON documents: JSONB on PostgreSQL, JSON elsewhere."""

T = TypeVar("T")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both engines (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base whose constraint names follow one convention (stable migrations)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 - SQLAlchemy's API


def utcnow() -> datetime:
    """The current time, aware and in UTC."""
    return datetime.now(UTC)


def normalize_database_url(url: str) -> str:
    """Route plain `postgresql://` URLs through psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() folds ASCII only; PostgreSQL's folds every letter ("Ángel").
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
    dbapi_connection.create_function("nassc_fold", 1, _fold, deterministic=True)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _fold(value: Any) -> Any:
    return fold_text(value) if isinstance(value, str) else value


def _begin_before_savepoint(connection: Connection, _name: str | None) -> None:
    """Open pysqlite's transaction before a SAVEPOINT, so `begin_nested` nests.

    pysqlite opens its transaction only before INSERT/UPDATE/DELETE. A SAVEPOINT issued
    before any of those (e.g. after SELECTs only) ran outside a transaction, which SQLite
    treats as a transaction of its own: RELEASE then committed the savepoint's writes, and
    a later rollback of the unit of work could not undo them (an Idempotency-Key claimed by
    a failed request stayed claimed). SQLAlchemy documents making pysqlite emit BEGIN itself
    (https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl);
    doing that for every transaction would hold SQLite read snapshots from the first SELECT,
    and a later write in the same transaction would then fail with SQLITE_BUSY instead of
    waiting whenever another writer committed in between. Opening the transaction only
    where a savepoint needs it keeps pysqlite's behaviour everywhere else.
    """
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for SQLite (WAL, foreign keys, busy timeout) or PostgreSQL (psycopg 3)."""
    url = normalize_database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "savepoint", _begin_before_savepoint)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded attributes after commit, so responses can be built from them."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: commit on success, roll back on any error."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with unit_of_work(factory) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def in_transaction(sessions: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """`work(session)` as one unit of work: committed on success, rolled back on any error.

    The same unit of work as `get_session`, for an `async` route that reaches the database
    only sometimes: it calls this in a worker thread when it does, and otherwise pays for
    neither a session nor a thread (`request.app.state.sessionmaker` is the factory).
    """
    with sessions.begin() as session:
        return work(session)


ACCENTED: Final = "áàâäãåçéèêëíìîïñóòôöõúùûüýÿÁÀÂÄÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝ"
PLAIN: Final = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuy"
"""The accented letters of English, Spanish and French, and the letters a search reads them as
(PostgreSQL's unaccent is an extension, not always installed: `translate` needs none)."""


def fold_text(value: str) -> str:
    """`value` as searches compare it: lower case, without accents ("José" -> "jose")."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class _Folded(FunctionElement[str]):
    """`fold_text` in SQL: `nassc_fold()` (a Python function) on SQLite, `translate(lower())`
    on PostgreSQL."""

    type = String()
    name = "nassc_fold"
    inherit_cache = True


@compiles(_Folded)
def _folded_by_translate(element: _Folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"translate(lower({compiler.process(element.clauses, **kw)}), '{ACCENTED}', '{PLAIN}')"


@compiles(_Folded, "sqlite")
def _folded_in_python(element: _Folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"nassc_fold({compiler.process(element.clauses, **kw)})"


def folded(column: ColumnElement[str] | InstrumentedAttribute[str]) -> ColumnElement[str]:
    """`column` folded in SQL as `fold_text` folds Python text, on SQLite and PostgreSQL."""
    return _Folded(column)
