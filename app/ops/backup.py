"""`nassc export` / `nassc import`: a consistent JSON Lines backup of the whole database.

The format is specified in `docs/backup-format.md`. In short: a header line, then one line
per row (`{"table": …, "row": {…}}`) table by table in foreign-key order and by primary key
within a table, then an end line with the row count of every table. Values are encoded
deterministically, so exporting the same data on either engine gives the same bytes.

The export reads everything in one transaction (REPEATABLE READ and read-only on
PostgreSQL; one read transaction on SQLite, whose WAL gives it a snapshot), so it is
consistent while the service keeps running. The import writes into an empty, migrated
database of the same Alembic revision in one transaction: a backup is restored whole or
not at all. Signing keys' private halves are files in the key store and are not in the
backup; staff password hashes and API client secret hashes are, so that a restore gives a
working system — the file is as sensitive as the database and is written with mode 0600.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Table, TableClause, column, insert, literal, select, text
from sqlalchemy import table as table_clause
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from app.models import Base
from app.ops.backup_values import decode_value, encode_value, python_type
from app.ops.errors import BackupError

FORMAT_NAME = "nassc-backup"
FORMAT_VERSION = 1
INSERT_CHUNK_ROWS = 1000
READ_CHUNK_ROWS = 1000
MIGRATION_SEEDED_TABLES = frozenset({"audit_head"})
"""Tables whose rows `alembic upgrade` itself inserts; an import replaces them.

Their seeded state is only ever advanced alongside rows in other tables (the audit head
moves when audit events are appended), so a database whose other tables are all empty
still holds the pristine seed here.
"""


@dataclass(frozen=True)
class BackupSummary:
    """What an export wrote or an import restored."""

    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        """Rows over every table."""
        return sum(self.rows.values())


def backup_tables() -> list[Table]:
    """Every table of the schema, parents before children."""
    return list(Base.metadata.sorted_tables)


def _dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def current_revision(connection: Connection) -> str:
    """The database's Alembic revision ("" if it was never migrated)."""
    heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads))


def _primary_key_order(table: Table, dialect_name: str) -> list[ColumnElement[Any]]:
    order: list[ColumnElement[Any]] = []
    for key in table.primary_key.columns:
        # PostgreSQL sorts text by the database's collation; "C" sorts by code point, as
        # SQLite does, so both engines list rows in the same order.
        if dialect_name == "postgresql" and python_type(key.type) is str:
            order.append(key.collate("C"))
        else:
            order.append(key)
    return order


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one consistent state of the database."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with connection.begin():
            if connection.dialect.name == "sqlite":
                # pysqlite opens a transaction only before a write; ask for one, so every
                # SELECT below reads the same WAL snapshot.
                connection.exec_driver_sql("BEGIN")
            yield connection


def export_backup(engine: Engine, *, out: TextIO, exported_at: datetime | None) -> BackupSummary:
    """Write the whole database to `out` as JSON Lines, from one consistent snapshot.

    With `exported_at` None the header's `exported_at` is null, so two exports of the same
    data are byte for byte identical.
    """
    with _snapshot(engine) as connection:
        revision = current_revision(connection)
        if not revision:
            raise BackupError("The database has no Alembic revision; it was never migrated.")
        header = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "alembic_revision": revision,
            "exported_at": None if exported_at is None else encode_value(exported_at),
        }
        out.write(json.dumps(header, separators=(",", ":")) + "\n")
        counts: dict[str, int] = {}
        for table in backup_tables():
            statement = (
                select(table)
                .order_by(*_primary_key_order(table, connection.dialect.name))
                .execution_options(yield_per=READ_CHUNK_ROWS)
            )
            count = 0
            for row in connection.execute(statement).mappings():
                encoded = {name: encode_value(value) for name, value in row.items()}
                out.write(f'{{"table":{_dumps(table.name)},"row":{_dumps(encoded)}}}\n')
                count += 1
            counts[table.name] = count
        out.write(_dumps({"end": FORMAT_NAME, "rows": counts}) + "\n")
    return BackupSummary(revision=revision, rows=counts)


def export_to_path(engine: Engine, path: Path, *, exported_at: datetime | None) -> BackupSummary:
    """Export to `path`, readable by its owner only, replacing it only once complete."""
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        os.fchmod(descriptor, 0o600)
        with open(descriptor, "w", encoding="utf-8", newline="\n") as out:
            summary = export_backup(engine, out=out, exported_at=exported_at)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return summary


def export_to_stream(
    engine: Engine, stream: BinaryIO, *, exported_at: datetime | None
) -> BackupSummary:
    """Export to a binary stream (standard output), as UTF-8."""
    out = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
    try:
        return export_backup(engine, out=out, exported_at=exported_at)
    finally:
        out.flush()
        out.detach()


def _parse_line(line: str, number: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise BackupError(f"line {number}: not JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise BackupError(f"line {number}: not a JSON object")
    return record


def read_header(line: str | None) -> str:
    """Check a backup's first line and return the Alembic revision it was taken at."""
    if line is None:
        raise BackupError("The backup is empty.")
    header = _parse_line(line, 1)
    if header.get("format") != FORMAT_NAME:
        raise BackupError(f"line 1: not a {FORMAT_NAME} file")
    if header.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"line 1: format version {header.get('version')!r}; "
            f"this nassc reads version {FORMAT_VERSION}"
        )
    revision = header.get("alembic_revision")
    if not isinstance(revision, str) or not revision:
        raise BackupError("line 1: no alembic_revision")
    return revision


def _insert_target(table: Table) -> TableClause:
    """`table` for inserting: a null JSON document becomes SQL NULL, not JSON `null`."""
    columns = []
    for table_column in table.columns:
        column_type: TypeEngine[Any] = table_column.type
        if isinstance(column_type, JSON):
            column_type = JSON(none_as_null=True).with_variant(
                JSONB(none_as_null=True), "postgresql"
            )
        columns.append(column(table_column.name, column_type))
    return table_clause(table.name, *columns)


class _Loader:
    """Inserts decoded rows table by table, in chunks, checking the file's order."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.tables = {table.name: table for table in backup_tables()}
        self.position = {name: index for index, name in enumerate(self.tables)}
        self.counts = dict.fromkeys(self.tables, 0)
        self.current: Table | None = None
        self.pending: list[dict[str, Any]] = []

    def add(self, record: Mapping[str, Any], number: int) -> None:
        name, row = record.get("table"), record.get("row")
        if not isinstance(name, str) or not isinstance(row, dict):
            raise BackupError(f'line {number}: expected {{"table": …, "row": {{…}}}}')
        table = self.tables.get(name)
        if table is None:
            raise BackupError(f"line {number}: unknown table {name!r}")
        if self.current is not table:
            if self.current is not None and self.position[name] <= self.position[self.current.name]:
                raise BackupError(f"line {number}: table {name!r} is out of order")
            self.flush()
            self.current = table
        names = set(table.columns.keys())
        if set(row) != names:
            missing, extra = sorted(names - set(row)), sorted(set(row) - names)
            raise BackupError(f"line {number}: {name} columns missing {missing}, extra {extra}")
        try:
            decoded = {key: decode_value(table.columns[key], value) for key, value in row.items()}
        except BackupError as error:
            raise BackupError(f"line {number}: {name}.{error}") from None
        self.pending.append(decoded)
        self.counts[name] += 1
        if len(self.pending) >= INSERT_CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.current is None or not self.pending:
            return
        try:
            self.connection.execute(insert(_insert_target(self.current)), self.pending)
        except SQLAlchemyError as error:
            cause = getattr(error, "orig", None) or error
            raise BackupError(f"rows of {self.current.name} were refused: {cause}") from None
        self.pending = []


def _require_empty(connection: Connection) -> None:
    occupied = [
        table.name
        for table in backup_tables()
        if table.name not in MIGRATION_SEEDED_TABLES
        and connection.scalar(select(literal(1)).select_from(table).limit(1)) is not None
    ]
    if occupied:
        raise BackupError(
            "The database is not empty (rows in: " + ", ".join(occupied) + "); "
            "import into a freshly migrated database."
        )


def _reset_sequences(connection: Connection) -> None:
    """Point PostgreSQL's id sequences past the imported ids, so new rows don't collide."""
    for table in backup_tables():
        key = table.autoincrement_column
        if key is None:
            continue
        highest = connection.scalar(select(key).order_by(key.desc()).limit(1))
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, :column), :next, false)"),
            {"table": table.name, "column": key.name, "next": (highest or 0) + 1},
        )


def import_backup(engine: Engine, *, lines: Iterable[str]) -> BackupSummary:
    """Restore a backup into an empty database migrated to the backup's revision.

    Everything happens in one transaction; on any error nothing is written.
    """
    iterator = iter(lines)
    revision = read_header(next(iterator, None))
    with engine.connect() as connection, connection.begin():
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        found = current_revision(connection)
        if found != revision:
            raise BackupError(
                f"The backup is from revision {revision} but the database is at "
                f"{found or 'no revision'}; migrate it to {revision} first."
            )
        _require_empty(connection)
        for name in sorted(MIGRATION_SEEDED_TABLES):
            connection.execute(Base.metadata.tables[name].delete())
        loader = _Loader(connection)
        end: dict[str, Any] | None = None
        for number, line in enumerate(iterator, start=2):
            if end is not None:
                if line.strip():
                    raise BackupError(f"line {number}: data after the end line")
                continue
            record = _parse_line(line, number)
            if "end" in record:
                loader.flush()
                end = record
            else:
                loader.add(record, number)
        if end is None:
            raise BackupError("The backup has no end line; it is truncated.")
        if end.get("rows") != loader.counts:
            raise BackupError(
                f"The end line counts {end.get('rows')} rows but the file holds {loader.counts}."
            )
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return BackupSummary(revision=revision, rows=loader.counts)


def import_from_path(engine: Engine, path: Path) -> BackupSummary:
    """Import the backup file at `path`."""
    with path.open(encoding="utf-8", newline="\n") as lines:
        return import_backup(engine, lines=lines)


def import_from_stream(engine: Engine, stream: BinaryIO) -> BackupSummary:
    """Import a backup read from a binary stream (standard input), as UTF-8."""
    lines = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
    try:
        return import_backup(engine, lines=lines)
    finally:
        lines.detach()
