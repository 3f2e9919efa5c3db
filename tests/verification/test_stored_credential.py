"""GET /api/v1/verify/{id}: one of our credentials by id (the JSON of the public page)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.verification.models import VerificationEvent
from tests.helpers import assert_problem
from tests.verification.factories import ALL_CHECKS, issued_credential, statuses


def test_stored_credential_verifies(client: TestClient, app: FastAPI, db: Session) -> None:
    setup, issued = issued_credential(client, app, db)
    response = client.get(f"/api/v1/verify/{issued['id']}", headers={"Accept-Language": "es-MX"})

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["verified"] is True
    assert body["format"] == "vc+jwt"
    assert statuses(body) == dict.fromkeys(ALL_CHECKS, "passed")
    assert body["summary"]["holder_name"] == "María Fernanda López"
    assert body["summary"]["standard"]["code"] == setup.standard.code
    assert [r["country"] for r in body["recognition"]] == ["MX"]
    assert db.scalar(select(func.count()).select_from(VerificationEvent)) == 1


def test_stored_credential_after_suspension(client: TestClient, app: FastAPI, db: Session) -> None:
    setup, issued = issued_credential(client, app, db)
    suspend = f"/api/v1/admin/credentials/{issued['id']}/suspend"
    assert client.post(suspend, headers=setup.staff, json={"reason": "audit"}).status_code == 200
    body = client.get(f"/api/v1/verify/urn:uuid:{issued['id']}").json()
    assert body["outcome"] == "suspended"
    assert body["summary"]["status"] == "suspended"


def test_unknown_credential_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/verify/00000000-0000-4000-8000-000000000000")
    assert_problem(response, 404, "credential-not-found")
