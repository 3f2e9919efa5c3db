"""Issue 20, defect 5: dates are ISO 8601 strings and booleans are booleans.

Pydantic's lax mode read `?from=2026` as the Unix time 1970-01-01T00:33:46Z (so a filter
silently matched everything), `0.5` as a date and `0` as `false`.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from tests.credentials.factories import issue_body
from tests.factories import create_staff_user, ensure_signing_key, staff_headers
from tests.helpers import assert_problem

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/credentials?issued_from=2026",
        "/api/v1/credentials?issued_to=0.5",
        "/api/v1/credentials?issued_from=1700000000",
        "/api/v1/admin/audit?from=2026",
        "/api/v1/admin/reports/credentials?from=0",
        "/api/v1/admin/reports/mobility?to=20261120",
    ],
)
def test_numbers_are_not_dates_in_queries(client: TestClient, db: Session, url: str) -> None:
    headers = staff_headers(client, db, Role.admin)
    problem = assert_problem(client.get(url, headers=headers), 422, "validation-error")
    assert "ISO 8601" in problem["detail"]


def test_iso_dates_still_filter(client: TestClient, db: Session) -> None:
    headers = staff_headers(client, db, Role.admin)
    for url in (
        "/api/v1/credentials?issued_from=2026-11-20",
        "/api/v1/credentials?issued_from=2026-11-20T10:00:00Z",
        "/api/v1/admin/audit?from=2026-11-20T10:00:00%2B01:00",
        "/api/v1/admin/reports/credentials?from=2026-01-01&to=2026-12-31",
    ):
        assert client.get(url, headers=headers).status_code == 200, url


@pytest.mark.parametrize("completed_on", [2026, 0.5, "2026", "1700000000"])
def test_numbers_are_not_dates_in_bodies(
    client: TestClient, app: FastAPI, db: Session, completed_on: object
) -> None:
    ensure_signing_key(app, db)
    headers = staff_headers(client, db, Role.registrar)
    body = issue_body(1)
    body["assessment"]["completed_on"] = completed_on
    response = client.post("/api/v1/credentials", headers=headers, json=body)
    problem = assert_problem(response, 422, "validation-error")
    assert problem["errors"][0]["loc"] == ["body", "assessment", "completed_on"]


@pytest.mark.parametrize("value", [0, 1, "true", "no"])
def test_numbers_and_strings_are_not_booleans(
    client: TestClient, db: Session, value: object
) -> None:
    headers = staff_headers(client, db, Role.admin)
    create_staff_user(db, Role.auditor, username="auditor-strict")
    users = client.get("/api/v1/admin/users", headers=headers).json()
    user_id = next(u["id"] for u in users if u["username"] == "auditor-strict")
    response = client.patch(
        f"/api/v1/admin/users/{user_id}", headers=headers, json={"is_active": value}
    )
    problem = assert_problem(response, 422, "validation-error")
    assert problem["errors"][0]["loc"] == ["body", "is_active"]


@pytest.mark.parametrize("value", [0, "false"])
def test_vc_api_options_take_only_booleans(client: TestClient, value: object) -> None:
    response = client.post(
        "/credentials/verify",
        json={"verifiableCredential": {}, "options": {"returnResults": value}},
    )
    assert response.status_code in (400, 422), response.text
    assert "returnResults" in response.text
