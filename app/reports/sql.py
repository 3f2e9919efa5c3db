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


class utc_month(FunctionElement[str]):  # noqa: N801 - SQL functions are lower case
    """`YYYY-MM` of a UTC timestamp column, e.g. `2026-03`."""

    type = String()
    name = "utc_month"
    inherit_cache = True

    def __init__(self, column: SQLColumnExpression[Any]) -> None:
        super().__init__(column)


@compiles(utc_month)
def _compile_other(element: utc_month, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"utc_month is not implemented for {compiler.dialect.name}")


@compiles(utc_month, "sqlite")
def _compile_sqlite(element: utc_month, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(utc_month, "postgresql")
def _compile_postgresql(element: utc_month, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC', 'YYYY-MM')"
