"""CSV rendering (RFC 4180) and the `Accept` negotiation between JSON and CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel

from app.reports.formats import cell, to_csv, wants_csv


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, False),
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("text/csv", True),
        ("TEXT/CSV; charset=utf-8", True),
        ("text/*", True),
        ("text/csv, application/json", False),
        ("text/csv;q=1.0, application/json;q=0.5", True),
        ("application/json;q=0.9, text/csv", True),
        ("text/csv;q=0, */*", False),
        ("text/csv;q=bogus", False),
        ("text/html,application/xhtml+xml,*/*;q=0.8", False),
        ("application/xml", False),
        ("text/*;q=0.5, text/csv;q=0", False),
    ],
)
def test_wants_csv(accept: str | None, expected: bool) -> None:
    assert wants_csv(accept) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (True, "true"),
        (0, "0"),
        (0.6667, "0.6667"),
        (date(2026, 1, 2), "2026-01-02"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T03:04:05Z"),
        (
            datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-6))),
            "2026-01-02T09:04:05.000006Z",
        ),
        ("plain", "plain"),
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("a=b", "a=b"),
    ],
)
def test_cell(value: object, expected: str) -> None:
    assert cell(value) == expected


class Row(BaseModel):
    name: str
    count: int
    note: str | None


def test_to_csv_follows_rfc_4180() -> None:
    rows = [
        Row(name="Tremblay, Jean", count=1, note=None),
        Row(name='Say "hola"', count=-2, note="line\nbreak"),
    ]
    assert to_csv(rows, Row) == (
        'name,count,note\r\n"Tremblay, Jean",1,\r\n"Say ""hola""",-2,"line\nbreak"\r\n'
    )


def test_to_csv_of_no_rows_is_the_header() -> None:
    assert to_csv([], Row) == "name,count,note\r\n"
