"""Liveness, readiness and the OpenAPI docs."""

from __future__ import annotations

import gc

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def test_healthz_answers_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_docs_and_openapi_are_served(client: TestClient) -> None:
    assert "swagger" in client.get("/docs").text.lower()
    spec = client.get("/openapi.json").json()
    assert "/api/v1/auth/token" in spec["paths"]


def test_startup_objects_are_out_of_the_collectors_reach(client: TestClient) -> None:
    # The running app (the `client` fixture started it) froze what startup made, so full
    # collections do not re-scan the modules, routes and catalogs (see app.main).
    assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() > 10_000
