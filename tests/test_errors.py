"""Every kind of bad input answers RFC 9457 problem+json with its own stable type."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.main import create_app
from tests.conftest import settings_for
from tests.factories import staff_headers
from tests.helpers import assert_problem

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

USERS = "/api/v1/admin/users"


def test_validation_error_is_422_with_field_errors(client: TestClient, db: Session) -> None:
    headers = staff_headers(client, db, Role.admin)
    response = client.post(USERS, headers=headers, json={"username": "x", "role": "wizard"})
    body = assert_problem(response, 422, "validation-error")
    locations = {".".join(error["loc"]) for error in body["errors"]}
    assert {"body.username", "body.password", "body.role"} <= locations


def test_malformed_json_is_400(client: TestClient, db: Session) -> None:
    headers = {**staff_headers(client, db, Role.admin), "Content-Type": "application/json"}
    response = client.post(USERS, headers=headers, content=b'{"username": ')
    assert_problem(response, 400, "malformed-json")


def test_invalid_utf8_is_400(client: TestClient, db: Session) -> None:
    headers = {**staff_headers(client, db, Role.admin), "Content-Type": "application/json"}
    response = client.post(USERS, headers=headers, content=b'{"username": "\xff\xfe"}')
    assert_problem(response, 400, "malformed-json")


def test_json_nested_10000_levels_is_400_not_500(client: TestClient, db: Session) -> None:
    headers = {**staff_headers(client, db, Role.admin), "Content-Type": "application/json"}
    body = b"[" * 10_000 + b"]" * 10_000
    response = client.post(USERS, headers=headers, content=body)
    assert_problem(response, 400, "malformed-json")


def test_unknown_route_is_404(client: TestClient) -> None:
    body = assert_problem(client.get("/no/such/route"), 404, "not-found")
    assert body["instance"] == "/no/such/route"


def test_wrong_method_is_405(client: TestClient) -> None:
    response = client.delete("/healthz")
    assert_problem(response, 405, "method-not-allowed")
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/v1/credentials", "GET, POST"),
        ("DELETE", "/api/v1/admin/users/7", "GET, PATCH"),
        ("DELETE", "/api/v1/admin/standards/NASSC-X/versions/1", "GET, PUT"),
    ],
)
def test_405_allows_every_method_of_the_path(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    """Issue 20, defect 4: RFC 9110 wants every method of the resource in Allow, not just
    those of the one route (of several at that path) Starlette matched."""
    response = client.request(method, path)
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == allow


def test_two_megabyte_body_is_413(client: TestClient) -> None:
    payload = b'{"a": "' + b"x" * 2_000_000 + b'"}'
    response = client.post(USERS, content=payload, headers={"Content-Type": "application/json"})
    body = assert_problem(response, 413, "payload-too-large")
    assert body["max_bytes"] == 1_048_576


def test_streamed_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b"x" * 65_536

    response = client.post(USERS, content=chunks(), headers={"Content-Type": "application/json"})
    assert_problem(response, 413, "payload-too-large")


def test_wrong_content_type_is_415(client: TestClient, db: Session) -> None:
    headers = {**staff_headers(client, db, Role.admin), "Content-Type": "text/plain"}
    response = client.post(USERS, headers=headers, content=b"username=x")
    assert_problem(response, 415, "unsupported-media-type")


def test_rate_limit_is_429_with_retry_after(settings: Any, tmp_path: Any) -> None:
    limited = create_app(
        settings_for(settings.database_url, tmp_path, rate_limit_per_minute=60, rate_limit_burst=3)
    )
    with TestClient(limited) as limited_client:
        statuses = [limited_client.get("/api/v1/auth/me").status_code for _ in range(4)]
        assert statuses[:3] == [401, 401, 401]
        response = limited_client.get("/api/v1/auth/me")
        assert_problem(response, 429, "rate-limited")
        assert int(response.headers["retry-after"]) >= 1
        assert limited_client.get("/healthz").status_code == 200


def test_unexpected_failure_is_500_without_internals(app: FastAPI) -> None:
    def explode() -> None:
        raise RuntimeError("secret internal detail: /srv/db password=hunter2")

    app.add_api_route("/explode", explode)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get("/explode")
    body = assert_problem(response, 500, "internal-error")
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert set(body) <= {"type", "title", "status", "detail", "instance"}


def test_responses_carry_a_request_id(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "req-12345678"})
    assert response.headers["x-request-id"] == "req-12345678"
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
