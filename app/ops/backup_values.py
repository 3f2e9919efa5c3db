"""How one column value is written in a backup line, and read back by its column's type.

Encoding goes by the Python value, decoding by the column's SQLAlchemy type, so a backup
line needs no type tags: a timestamp is an ISO 8601 string only where the column is a
timestamp, and base64 text is bytes only where the column is binary.
"""

from __future__ import annotations

import base64
import binascii
import math
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy.types import TypeDecorator, TypeEngine

from app.ops.errors import BackupError


def encode_value(value: object) -> object:
    """A column value as JSON: times as ISO 8601 UTC with microseconds and `Z`, bytes as
    base64, JSON documents as they are (their keys are sorted when the line is written)."""
    if value is None or isinstance(value, bool | int | str | dict | list):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BackupError(f"cannot encode the non-finite number {value!r}")
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise BackupError(f"cannot encode the naive time {value.isoformat()}")
        return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise BackupError(f"cannot encode a value of type {type(value).__name__}")


def python_type(column_type: TypeEngine[Any]) -> type:
    """The Python type a column holds (`object` when SQLAlchemy cannot tell)."""
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    try:
        return column_type.python_type
    except NotImplementedError:
        return object


def decode_value(table_column: Column[Any], value: object) -> object:
    """The Python value of an encoded `value` for `table_column` (by its type)."""
    if value is None or isinstance(table_column.type, JSON):
        return value
    expected = python_type(table_column.type)
    if expected is datetime and isinstance(value, str) and value.endswith("Z"):
        try:
            return datetime.fromisoformat(value).astimezone(UTC)
        except ValueError:
            pass
    elif expected is date and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    elif expected is bytes and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error:
            pass
    elif (expected is bool and isinstance(value, bool)) or (
        expected is int and isinstance(value, int) and not isinstance(value, bool)
    ):
        return value
    elif expected is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    elif expected is str and isinstance(value, str):
        return value
    raise BackupError(
        f"{table_column.name}: {value!r} is not a valid {expected.__name__} for this column"
    )
