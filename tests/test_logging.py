"""Request logs: one JSON line per request with a request id, and never a secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.config import Settings
from app.main import create_app
from tests.conftest import settings_for
from tests.factories import PASSWORD, create_staff_user

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)


def test_one_json_line_per_request_without_secrets(
    settings: Settings, tmp_path: Path, db: Session, capfd: pytest.CaptureFixture[str]
) -> None:
    username = create_staff_user(db, Role.admin)
    app = create_app(settings_for(settings.database_url, tmp_path, log_level="INFO"))
    with TestClient(app) as client:
        capfd.readouterr()
        token = _requests(client, username)
    app.state.engine.dispose()
    lines = [line for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    # The test's own HTTP client logs the URLs it calls; only the service's lines count.
    lines = [line for line, r in zip(lines, records, strict=True) if r["logger"].startswith("app")]
    requests = [r for r in records if r.get("logger") == "app.access"]
    assert [r["route"] for r in requests][:3] == [
        "/api/v1/auth/token",
        "/api/v1/auth/me",
        "/claim/{token}",
    ]
    assert all({"time", "level", "method", "status", "duration_ms"} <= set(r) for r in requests)
    assert len({r["request_id"] for r in requests}) == len(requests)
    everything = "\n".join(lines)
    for secret in (PASSWORD, CLAIM_SECRET, token):
        assert secret not in everything, f"{secret[:8]}… leaked: {everything[:2000]}"


CLAIM_SECRET = "s3cr3t-claim-token-value-0123456789"


def _requests(client: TestClient, username: str) -> str:
    """A login, an authenticated call and a claim link, as a worker's browser would."""
    token = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": PASSWORD},
    ).json()["access_token"]
    client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    client.get(f"/claim/{CLAIM_SECRET}")
    return str(token)
