"""Portable SQL pieces the reports group by.

A calendar month must be computed in UTC on both engines. SQLite stores our timestamps as
UTC text, so `strftime` reads the month straight off it; PostgreSQL stores `timestamptz`,
whose fields depend on the session's `TimeZone` unless the value is first shifted to UTC.
The SQL is rendered without bound parameters so that PostgreSQL sees the same expression
in `SELECT` and `GROUP BY` (with server-side parameters it could not tell they are equal).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import SQLColumnExpression, String
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class utc_month_start(FunctionElement[Any]):  # noqa: N801 - SQL functions are lower case
    """The UTC month of a timestamp column, cheap to group a million rows by: on PostgreSQL
    the month's first instant (`date_trunc`, no text made per row), on SQLite `YYYY-MM`.
    Group by it, then label each group with `month_text`."""

    name = "utc_month_start"
    inherit_cache = True

    def __init__(self, column: SQLColumnExpression[Any]) -> None:
        super().__init__(column)


class month_text(FunctionElement[str]):  # noqa: N801 - SQL functions are lower case
    """`YYYY-MM` of a `utc_month_start` value, e.g. `2026-03`."""

    type = String()
    name = "month_text"
    inherit_cache = True

    def __init__(self, month: SQLColumnExpression[Any]) -> None:
        super().__init__(month)


@compiles(utc_month_start)
@compiles(month_text)
def _compile_other(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"{element.name} is not implemented for {compiler.dialect.name}")


@compiles(utc_month_start, "sqlite")
def _month_start_sqlite(element: utc_month_start, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(month_text, "sqlite")
def _month_text_sqlite(element: month_text, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(utc_month_start, "postgresql")
def _month_start_postgresql(element: utc_month_start, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date_trunc('month', ({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC')"


@compiles(month_text, "postgresql")
def _month_text_postgresql(element: month_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"
