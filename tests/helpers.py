"""Assertions shared by the tests of every domain (test modules import helpers, never each
other)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Base
from app.errors import PROBLEM_BASE


def assert_problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    """Assert `response` is an RFC 9457 problem of `status` and type `slug`; its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEM_BASE + slug
    assert body["status"] == status
    assert body["title"]
    return body


def row_counts(db: Session, *, excluding: tuple[str, ...] = ()) -> dict[str, int]:
    """Committed rows per table (but the tables named in `excluding`): equal before and
    after a refused request when it wrote nothing."""
    db.expire_all()
    return {
        table.name: db.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
        if table.name not in excluding
    }
