"""The standards registry over HTTP: listing, filters, languages, CASE export, admin life cycle."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.config import Settings
from app.db import utcnow
from app.standards import service as standards_service
from app.standards.enums import PRIORITY_SECTORS
from tests.factories import create_provider, provider_headers, staff_headers
from tests.helpers import assert_problem
from tests.standards.factories import seed_document


@pytest.fixture
def seeded(db: Session, settings: Settings) -> None:
    standards_service.seed_standards(db, directory=settings.curricula_dir, now=utcnow())
    db.commit()


def test_listing_has_every_priority_sector_in_three_languages(
    client: TestClient, seeded: None
) -> None:
    response = client.get("/api/v1/standards?per_page=100")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] >= 5
    assert {item["sector"] for item in body["items"]} >= {s.value for s in PRIORITY_SECTORS}
    for item in body["items"]:
        assert item["title"]["es"] and item["title"]["fr"]
        assert item["title"]["es"] != item["title"]["en"]
        assert set(item["countries"]) == {"CA", "MX", "US"}


def test_filters_and_pagination(client: TestClient, seeded: None) -> None:
    everything = client.get("/api/v1/standards?per_page=100").json()
    first = everything["items"][0]
    by_sector = client.get(f"/api/v1/standards?sector={first['sector']}").json()
    assert by_sector["total"] >= 1
    assert all(item["sector"] == first["sector"] for item in by_sector["items"])
    by_level = client.get(f"/api/v1/standards?level={first['nassc_level']}").json()
    assert all(item["nassc_level"] == first["nassc_level"] for item in by_level["items"])
    word = first["title"]["es"].split()[0]
    by_text = client.get("/api/v1/standards", params={"q": word}).json()
    assert first["code"] in [item["code"] for item in by_text["items"]]
    assert client.get("/api/v1/standards?q=zzzz-no-such-thing").json()["total"] == 0
    assert client.get("/api/v1/standards?country=MX&language=es").json()["total"] >= 1

    page_one = client.get("/api/v1/standards?per_page=2&page=1").json()
    page_two = client.get("/api/v1/standards?per_page=2&page=2").json()
    assert len(page_one["items"]) == 2
    assert page_one["next"] and page_one["prev"] is None
    assert page_two["prev"]
    assert {i["code"] for i in page_one["items"]}.isdisjoint(i["code"] for i in page_two["items"])


@pytest.mark.parametrize(
    "query", ["sector=mining", "level=0", "per_page=1000", "language=de", "country=FR"]
)
def test_bad_filters_are_422(client: TestClient, query: str) -> None:
    assert_problem(client.get(f"/api/v1/standards?{query}"), 422, "validation-error")


@pytest.mark.parametrize(
    ("params", "headers", "language"),
    [
        ("?lang=es", {}, "es"),
        ("", {"Accept-Language": "fr-CA,fr;q=0.9"}, "fr"),
        ("", {}, "en"),
    ],
)
def test_detail_in_the_requested_language(
    client: TestClient,
    settings: Settings,
    seeded: None,
    params: str,
    headers: dict[str, str],
    language: str,
) -> None:
    source = seed_document(settings)
    response = client.get(f"/api/v1/standards/{source['code']}{params}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-language"] == language
    body = response.json()
    assert body["title"] == source["title"][language]
    assert body["units"][0]["title"] == source["units"][0]["title"][language]
    assert body["language"] == language


def test_unknown_standard_is_404(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/standards/NASSC-NOPE"), 404, "standard-not-found")


def test_case_export_has_an_item_and_parent_link_per_unit_and_outcome(
    client: TestClient, settings: Settings, seeded: None
) -> None:
    for path in sorted(settings.curricula_dir.glob("*.json")):
        source = json.loads(path.read_text(encoding="utf-8"))
        package = client.get(f"/api/v1/standards/{source['code']}/case").json()
        expected = {unit["code"] for unit in source["units"]} | {
            outcome["code"] for unit in source["units"] for outcome in unit["outcomes"]
        }
        items = package["CFItems"]
        assert {item["humanCodingScheme"] for item in items} == expected
        assert len(items) == len(expected)
        child_of = [a for a in package["CFAssociations"] if a["associationType"] == "isChildOf"]
        origins = [a["originNodeURI"]["identifier"] for a in child_of]
        assert sorted(origins) == sorted(item["identifier"] for item in items)
        assert package["CFDocument"]["identifier"]


def test_staff_life_cycle_and_published_immutability(
    client: TestClient, db: Session, settings: Settings
) -> None:
    staff = staff_headers(client, db, Role.registrar)
    draft = {**seed_document(settings), "status": "draft", "code": "NASSC-TEST-DRAFT"}
    created = client.post("/api/v1/admin/standards", headers=staff, json=draft)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "draft"
    assert client.get("/api/v1/standards/NASSC-TEST-DRAFT").status_code == 404

    edited = {**draft, "validity_years": 4}
    url = "/api/v1/admin/standards/NASSC-TEST-DRAFT/versions/1"
    assert client.put(url, headers=staff, json=edited).json()["validity_years"] == 4
    published = client.post(f"{url}/publish", headers=staff)
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert client.get("/api/v1/standards/NASSC-TEST-DRAFT").json()["validity_years"] == 4

    assert_problem(client.put(url, headers=staff, json=edited), 409, "standard-immutable")
    assert_problem(client.post(f"{url}/publish", headers=staff), 409, "standard-immutable")
    duplicate = client.post("/api/v1/admin/standards", headers=staff, json=draft)
    assert_problem(duplicate, 409, "standard-exists")


def test_incomplete_draft_cannot_be_published(
    client: TestClient, db: Session, settings: Settings
) -> None:
    staff = staff_headers(client, db, Role.admin)
    draft = {**seed_document(settings), "status": "draft", "code": "NASSC-TEST-BARE"}
    draft["delivery_profiles"] = draft["delivery_profiles"][:1]
    assert client.post("/api/v1/admin/standards", headers=staff, json=draft).status_code == 201
    response = client.post(
        "/api/v1/admin/standards/NASSC-TEST-BARE/versions/1/publish", headers=staff
    )
    assert_problem(response, 422, "standard-not-publishable")


def test_providers_and_auditors_cannot_edit_standards(
    client: TestClient, db: Session, settings: Settings
) -> None:
    draft = {**seed_document(settings), "status": "draft", "code": "NASSC-TEST-ROLE"}
    provider = provider_headers(client, db, create_provider(db))
    auditor = staff_headers(client, db, Role.auditor)
    for headers in (provider, auditor):
        response = client.post("/api/v1/admin/standards", headers=headers, json=draft)
        assert_problem(response, 403, "forbidden")


def test_seeding_is_idempotent(db: Session, settings: Settings) -> None:
    first = standards_service.seed_standards(db, directory=settings.curricula_dir, now=utcnow())
    db.commit()
    second = standards_service.seed_standards(db, directory=settings.curricula_dir, now=utcnow())
    assert len(first.created) >= 5
    assert second.created == []
    assert sorted(second.unchanged) == sorted(first.created)
