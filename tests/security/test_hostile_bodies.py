"""Oversized, deeply nested and invalid UTF-8 bodies on every JSON endpoint that takes one
(issue 12): each is a 4xx problem, never a 5xx. tests/test_errors.py checks one route each."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from tests.factories import ensure_signing_key, staff_headers

ENDPOINTS = [
    "/api/v1/verify",
    "/credentials/verify",
    "/presentations/verify",
    "/api/v1/credentials",
    "/api/v1/credential-batches",
    "/api/v1/admin/trusted-issuers",
    "/api/v1/admin/users",
    "/api/v1/providers",
]

BODIES = {
    "oversized": (b'{"a": "' + b"x" * (2 * 1024 * 1024) + b'"}', (413,)),
    "deeply-nested": (b"[" * 100_000 + b"]" * 100_000, (400, 413, 422)),
    "invalid-utf8": (b'{"credential": "\xff\xfe\xc3\x28"}', (400, 422)),
    "lone-surrogate": (b'{"credential": "\\ud800"}', (400, 422)),
    "nul-byte": (b'{"credential": "a\x00b"}', (400, 422)),
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_hostile_bodies_are_problems_everywhere(
    client: TestClient, app: FastAPI, db: Session, name: str
) -> None:
    body, expected = BODIES[name]
    admin = staff_headers(client, db, Role.admin)
    ensure_signing_key(app, db)
    for path in ENDPOINTS:
        if path == "/api/v1/credential-batches" and name == "oversized":
            expected = (413, 422)  # uploads may be 16 MB; 2 MB is then only invalid
        response = client.post(
            path, content=body, headers={**admin, "Content-Type": "application/json"}
        )
        assert response.status_code in expected, (path, response.status_code, response.text)
        assert response.headers["content-type"] == "application/problem+json", path
