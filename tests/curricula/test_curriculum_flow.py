"""The whole registry flow on both engines: register, accredit, submit, gap, fix, approve."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.db import utcnow
from app.fields import Country
from app.standards import service as standards_service
from app.standards.enums import UnitKind
from app.standards.schemas import StandardRead
from tests.curricula.factories import complete_curriculum_body
from tests.factories import staff_headers
from tests.helpers import assert_problem

CURRICULA = "/api/v1/provider/curricula"


@pytest.fixture
def seeded(db: Session, client: TestClient) -> list[StandardRead]:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    standards_service.seed_standards(db, directory=settings.curricula_dir, now=utcnow())
    db.commit()
    page = standards_service.list_standards(db, limit=100)
    return [standards_service.to_schema(s) for s in page.items]


def register(client: TestClient, country: str, identifier: str) -> int:
    response = client.post(
        "/api/v1/providers",
        json={
            "name": f"Centro de Capacitación {identifier}",
            "country": country,
            "region": "Puebla",
            "identifier": identifier,
            "contact_name": "Laura Méndez",
            "contact_email": "laura@centro.example",
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["accreditation_status"] == "pending"
    return int(response.json()["id"])


def accredit(client: TestClient, staff: dict[str, str], provider_id: int) -> dict[str, str]:
    response = client.post(
        f"/api/v1/admin/providers/{provider_id}/accreditation",
        headers=staff,
        json={"status": "accredited", "reason": "Site visit passed"},
    )
    assert response.status_code == 200
    assert response.json()["accreditation_status"] == "accredited"
    created = client.post(
        f"/api/v1/admin/providers/{provider_id}/clients", headers=staff, json={"name": "LMS"}
    )
    assert created.status_code == 201
    secret = created.json()["client_secret"]
    token = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created.json()["client_id"],
            "client_secret": secret,
        },
    ).json()["access_token"]
    listed = client.get(f"/api/v1/admin/providers/{provider_id}/clients", headers=staff)
    assert secret not in listed.text
    return {"Authorization": f"Bearer {token}"}


def test_register_accredit_submit_gap_fix_approve(
    client: TestClient, db: Session, seeded: list[StandardRead]
) -> None:
    staff = staff_headers(client, db, Role.registrar)
    standard = seeded[0]
    provider_id = register(client, "MX", "RFC-CCP-010101")
    pending = provider_headers_for_pending(client, staff, provider_id)
    body = complete_curriculum_body(standard, Country.mx)
    refused = client.post(CURRICULA, headers=pending, json=body)
    assert_problem(refused, 403, "provider-not-accredited")

    provider = accredit(client, staff, provider_id)

    # A curriculum that leaves one mandatory outcome uncovered.
    mandatory = next(u for u in standard.units if u.kind is UnitKind.mandatory)
    missing = mandatory.outcomes[-1].code
    with_gap = _without_outcome(body, missing)
    submitted = client.post(CURRICULA, headers=provider, json=with_gap)
    assert submitted.status_code == 201, submitted.text
    curriculum = submitted.json()
    assert curriculum["status"] == "submitted"
    assert curriculum["coverage"]["complete"] is False
    gap_kinds = {(g["kind"], g.get("outcome_code")) for g in curriculum["coverage"]["gaps"]}
    assert ("outcome-not-covered", missing) in gap_kinds

    refused_approval = client.post(
        f"/api/v1/admin/curricula/{curriculum['id']}/approve", headers=staff
    )
    problem = assert_problem(refused_approval, 409, "curriculum-has-gaps")
    assert [g["outcome_code"] for g in problem["gaps"]] == [missing]

    queue = client.get("/api/v1/admin/curricula?status=submitted", headers=staff).json()
    assert [item["id"] for item in queue["items"]] == [curriculum["id"]]

    fixed = client.put(f"{CURRICULA}/{curriculum['id']}", headers=provider, json=body)
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["coverage"]["complete"] is True
    assert fixed.json()["coverage"]["gaps"] == []

    approved = client.post(f"/api/v1/admin/curricula/{curriculum['id']}/approve", headers=staff)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"

    # Approved is immutable: a change becomes version 2, awaiting review.
    revised = client.put(f"{CURRICULA}/{curriculum['id']}", headers=provider, json=body)
    assert revised.status_code == 200
    assert revised.json()["version"] == 2
    assert revised.json()["id"] != curriculum["id"]
    assert revised.json()["lineage_id"] == curriculum["lineage_id"]
    original = client.get(f"{CURRICULA}/{curriculum['id']}", headers=provider).json()
    assert original["status"] == "approved"
    assert original["version"] == 1

    # A second provider can neither read nor change it.
    other_id = register(client, "CA", "BN-123456789")
    other = accredit(client, staff, other_id)
    assert_problem(
        client.get(f"{CURRICULA}/{curriculum['id']}", headers=other), 404, "curriculum-not-found"
    )
    assert_problem(
        client.put(f"{CURRICULA}/{curriculum['id']}", headers=other, json=body),
        404,
        "curriculum-not-found",
    )
    assert client.get(CURRICULA, headers=other).json()["total"] == 0
    assert client.get(CURRICULA, headers=provider).json()["total"] == 2


def provider_headers_for_pending(
    client: TestClient, staff: dict[str, str], provider_id: int
) -> dict[str, str]:
    created = client.post(
        f"/api/v1/admin/providers/{provider_id}/clients", headers=staff, json={"name": "Test"}
    ).json()
    token = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        },
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _without_outcome(body: dict[str, Any], outcome_code: str) -> dict[str, Any]:
    modules = []
    for module in body["modules"]:
        outcomes = [o for o in module["outcomes"] if o["outcome_code"] != outcome_code]
        modules.append({**module, "outcomes": outcomes})
    return {**body, "modules": modules}


def test_rejection_with_reasons(
    client: TestClient, db: Session, seeded: list[StandardRead]
) -> None:
    staff = staff_headers(client, db, Role.admin)
    provider = accredit(client, staff, register(client, "US", "EIN-12-3456789"))
    body = complete_curriculum_body(seeded[1], Country.us)
    curriculum = client.post(CURRICULA, headers=provider, json=body).json()
    rejected = client.post(
        f"/api/v1/admin/curricula/{curriculum['id']}/reject",
        headers=staff,
        json={"reasons": ["Practice lab equipment list missing"]},
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    mine = client.get(f"{CURRICULA}/{curriculum['id']}", headers=provider).json()
    assert mine["review_reasons"] == ["Practice lab equipment list missing"]


@pytest.mark.parametrize(
    ("mutate", "slug"),
    [
        (lambda b, other: _map_to(b, other), "unknown-outcome"),
        (lambda b, other: _set_first(b, "practice_hours", -5), "validation-error"),
        (lambda b, other: _set_first(b, "language", "de"), "validation-error"),
        (lambda b, other: {**b, "standard_version": 99}, "standard-not-found"),
    ],
    ids=["outcome-of-another-standard", "negative-hours", "unknown-language", "unknown-version"],
)
def test_bad_curricula_are_problems(
    client: TestClient, db: Session, seeded: list[StandardRead], mutate: Any, slug: str
) -> None:
    staff = staff_headers(client, db, Role.admin)
    provider = accredit(client, staff, register(client, "MX", f"RFC-{slug}"))
    standard, other = seeded[0], seeded[1]
    body = mutate(complete_curriculum_body(standard, Country.mx), other)
    response = client.post(CURRICULA, headers=provider, json=body)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith(slug)
    assert response.status_code in (404, 422)


def _map_to(body: dict[str, Any], other: StandardRead) -> dict[str, Any]:
    foreign = other.units[0].outcomes[0].code
    module = {**body["modules"][0]}
    module["outcomes"] = [*module["outcomes"], {"outcome_code": foreign, "coverage": "full"}]
    return {**body, "modules": [module, *body["modules"][1:]]}


def _set_first(body: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    module = {**body["modules"][0], field: value}
    return {**body, "modules": [module, *body["modules"][1:]]}
