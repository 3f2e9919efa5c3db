"""Issue 20, defect 2: integers beyond what the columns hold are a 422, not a 500.

SQLite's driver raises `OverflowError` binding an int above 2**63 - 1; PostgreSQL raises
`NumericValueOutOfRange` above 2**31 - 1 (its INTEGER). Every integer the API takes is
bounded in its schema instead, to what both engines hold.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.fields import DB_INT_MAX
from tests.factories import (
    create_provider,
    ensure_signing_key,
    provider_headers,
    staff_headers,
)
from tests.helpers import assert_problem

TOO_BIG = DB_INT_MAX + 1
BEYOND_64_BITS = 2**63

STAFF_CASES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", f"/api/v1/standards/NASSC-AERO-ASSY?version={BEYOND_64_BITS}", None),
    ("GET", f"/api/v1/standards/NASSC-AERO-ASSY?version={TOO_BIG}", None),
    ("GET", f"/api/v1/standards/NASSC-AERO-ASSY/case?version={TOO_BIG}", None),
    ("GET", f"/api/v1/standards/NASSC-AERO-ASSY/versions/{TOO_BIG}", None),
    ("GET", f"/api/v1/admin/standards/NASSC-AERO-ASSY/versions/{TOO_BIG}", None),
    ("POST", f"/api/v1/admin/standards/NASSC-AERO-ASSY/versions/{TOO_BIG}/publish", None),
    ("GET", f"/api/v1/admin/users/{TOO_BIG}", None),
    ("GET", f"/api/v1/admin/users/{BEYOND_64_BITS}", None),
    ("POST", f"/api/v1/admin/users/{TOO_BIG}/disable", None),
    ("GET", f"/api/v1/admin/providers/{TOO_BIG}", None),
    ("GET", f"/api/v1/admin/providers/{TOO_BIG}/clients", None),
    ("GET", f"/api/v1/admin/curricula/{TOO_BIG}", None),
    ("POST", f"/api/v1/admin/curricula/{TOO_BIG}/approve", None),
    ("DELETE", f"/api/v1/admin/trusted-issuers/{TOO_BIG}", None),
    (
        "POST",
        "/api/v1/credentials",
        {
            "standard_code": "NASSC-AERO-ASSY",
            "standard_version": TOO_BIG,
            "recipient": {"name": "Ana Ruiz", "email": "ana@example.com"},
            "assessment": {"completed_on": "2026-11-20"},
        },
    ),
    (
        "POST",
        "/api/v1/admin/credentials/status-changes",
        {"action": "suspend", "reason": "Audit", "filter": {"provider_id": TOO_BIG}},
    ),
]


def test_staff_operations_refuse_integers_beyond_the_columns(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    ensure_signing_key(app, db)
    headers = staff_headers(client, db, Role.admin)
    for method, url, body in STAFF_CASES:
        response = client.request(method, url, headers=headers, json=body)
        assert response.status_code == 422, f"{method} {url}: {response.status_code}"
        assert_problem(response, 422, "validation-error")


def test_provider_operations_refuse_integers_beyond_the_columns(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    ensure_signing_key(app, db)
    headers = provider_headers(client, db, create_provider(db))
    issue = {
        "curriculum_id": TOO_BIG,
        "recipient": {"name": "Ana Ruiz", "email": "ana@example.com"},
        "assessment": {"completed_on": "2026-11-20"},
    }
    cases: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", f"/api/v1/provider/curricula/{TOO_BIG}", None),
        ("POST", "/api/v1/credentials", issue),
        ("POST", "/api/v1/credential-batches", {"curriculum_id": TOO_BIG, "rows": [{}]}),
        ("POST", f"/api/v1/credential-batches?curriculum_id={TOO_BIG}", None),
    ]
    for method, url, body in cases:
        response = client.request(method, url, headers=headers, json=body)
        assert response.status_code == 422, f"{method} {url}: {response.status_code}"


def test_the_largest_id_is_simply_not_found(client: TestClient, app: FastAPI, db: Session) -> None:
    headers = staff_headers(client, db, Role.admin)
    response = client.get(f"/api/v1/admin/users/{DB_INT_MAX}", headers=headers)
    assert response.status_code == 404
