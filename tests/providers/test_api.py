"""Training providers over HTTP: registration, the provider's own record, staff listing,
accreditation, and the API clients whose secrets are shown once."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.db import utcnow
from app.fields import Country
from app.providers.models import TrainingProvider
from app.standards import service as standards_service
from tests.curricula.factories import complete_curriculum_body
from tests.factories import create_provider, provider_headers, staff_headers
from tests.helpers import assert_problem

ADMIN = "/api/v1/admin/providers"


@pytest.fixture
def staff(client: TestClient, db: Session) -> dict[str, str]:
    return staff_headers(client, db, Role.registrar)


def registration(identifier: str, country: str = "CA", **changes: Any) -> dict[str, Any]:
    return {
        "name": "Collège technique du Nord",
        "country": country,
        "region": "Québec",
        "identifier": identifier,
        "contact_name": "Julie Tremblay",
        "contact_email": "julie@college.example",
        **changes,
    }


def token(client: TestClient, client_id: str, secret: str) -> Any:
    return client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )


def test_registration_is_pending_and_unique_per_country(client: TestClient) -> None:
    response = client.post("/api/v1/providers", json=registration("NEQ-1"))
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["accreditation_status"] == "pending"
    assert (body["name"], body["country"], body["identifier"]) == (
        "Collège technique du Nord",
        "CA",
        "NEQ-1",
    )

    again = client.post("/api/v1/providers", json=registration("NEQ-1"))
    assert_problem(again, 409, "provider-exists")
    elsewhere = client.post("/api/v1/providers", json=registration("NEQ-1", country="MX"))
    assert elsewhere.status_code == 201, elsewhere.text


@pytest.mark.parametrize(
    "changes",
    [
        {"country": "FR"},
        {"contact_email": "not-an-email"},
        {"region": " "},
        {"name": ""},
        {"unexpected": True},
    ],
)
def test_registrations_that_do_not_validate_are_422(
    client: TestClient, changes: dict[str, Any]
) -> None:
    response = client.post("/api/v1/providers", json=registration("NEQ-2", **changes))
    assert_problem(response, 422, "validation-error")


def test_a_provider_reads_its_own_record(client: TestClient, db: Session) -> None:
    provider = create_provider(db, country="MX")
    response = client.get("/api/v1/provider/me", headers=provider_headers(client, db, provider))
    assert response.status_code == 200, response.text
    assert response.json()["id"] == provider.id
    assert response.json()["country"] == "MX"
    assert_problem(client.get("/api/v1/provider/me"), 401, "unauthorized")


def test_staff_list_providers_by_status_and_country(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    pending_mx = create_provider(db, country="MX", accreditation_status="pending")
    accredited_mx = create_provider(db, country="MX")
    accredited_ca = create_provider(db, country="CA")

    def ids(**params: Any) -> set[int]:
        response = client.get(ADMIN, headers=staff, params={"per_page": 100, **params})
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert ids() == {pending_mx.id, accredited_mx.id, accredited_ca.id}
    assert ids(status="pending") == {pending_mx.id}
    assert ids(status="accredited", country=Country.mx) == {accredited_mx.id}
    assert ids(country=Country.ca) == {accredited_ca.id}

    first = client.get(ADMIN, headers=staff, params={"per_page": 2}).json()
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (3, 1, 2, 2)
    assert_problem(
        client.get(ADMIN, headers=staff, params={"status": "gone"}), 422, "validation-error"
    )
    assert_problem(client.get(f"{ADMIN}/999999", headers=staff), 404, "provider-not-found")


def test_a_suspended_provider_may_not_submit_curricula(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    standards_service.seed_standards(db, directory=settings.curricula_dir, now=utcnow())
    db.commit()
    standard = standards_service.to_schema(standards_service.list_standards(db, limit=1).items[0])
    provider = create_provider(db, country="MX")
    headers = provider_headers(client, db, provider)

    suspended = client.post(
        f"{ADMIN}/{provider.id}/accreditation",
        headers=staff,
        json={"status": "suspended", "reason": "Instructor records missing"},
    )
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["accreditation_status"] == "suspended"
    assert suspended.json()["status_reason"] == "Instructor records missing"

    body = complete_curriculum_body(standard, Country.mx)
    refused = client.post("/api/v1/provider/curricula", headers=headers, json=body)
    assert_problem(refused, 403, "provider-not-accredited")

    restored = client.post(
        f"{ADMIN}/{provider.id}/accreditation", headers=staff, json={"status": "accredited"}
    )
    assert restored.json()["accreditation_status"] == "accredited"
    submitted = client.post("/api/v1/provider/curricula", headers=headers, json=body)
    assert submitted.status_code == 201, submitted.text


def test_client_secrets_are_shown_once_and_revocation_ends_access(
    client: TestClient, db: Session, staff: dict[str, str]
) -> None:
    provider: TrainingProvider = create_provider(db)
    clients = f"{ADMIN}/{provider.id}/clients"
    created = client.post(clients, headers=staff, json={"name": "Moodle"})
    assert created.status_code == 201, created.text
    client_id, secret = created.json()["client_id"], created.json()["client_secret"]
    assert created.json()["is_active"] is True

    listed = client.get(clients, headers=staff)
    assert listed.status_code == 200
    assert [item["client_id"] for item in listed.json()] == [client_id]
    assert secret not in listed.text and "client_secret" not in listed.json()[0]

    rotated = client.post(f"{clients}/{client_id}/rotate", headers=staff)
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["client_secret"]
    assert new_secret != secret
    assert token(client, client_id, secret).status_code == 401
    granted = token(client, client_id, new_secret)
    assert granted.status_code == 200, granted.text
    bearer = {"Authorization": f"Bearer {granted.json()['access_token']}"}
    assert client.get("/api/v1/provider/me", headers=bearer).status_code == 200

    revoked = client.post(f"{clients}/{client_id}/revoke", headers=staff)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["is_active"] is False and revoked.json()["revoked_at"]
    assert_problem(client.get("/api/v1/provider/me", headers=bearer), 401, "unauthorized")
    assert token(client, client_id, new_secret).status_code == 401

    missing = client.post(f"{clients}/no-such-client/revoke", headers=staff)
    assert_problem(missing, 404, "api-client-not-found")
    other = create_provider(db)
    elsewhere = client.post(f"{ADMIN}/{other.id}/clients/{client_id}/rotate", headers=staff)
    assert_problem(elsewhere, 404, "api-client-not-found")
