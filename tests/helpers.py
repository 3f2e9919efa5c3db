"""Assertions shared by the tests of every domain (test modules import helpers, never each
other)."""

from __future__ import annotations

from typing import Any

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
