"""The API client's flow, and what is kept: results only for their lifetime, then nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app import cli
from app.config import Settings, get_settings
from app.db import utcnow
from app.presentations.models import PresentationRequest
from app.verification.models import VerificationEvent
from tests.factories import create_provider, provider_headers
from tests.helpers import assert_problem
from tests.presentations.factories import API, worker_with_wallet
from tests.wallet.factories import answer, jwt_presentation, read_request_link


def test_an_api_client_asks_and_reads_its_own_result(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    client_headers = worker.setup.provider
    made = client.post(
        API,
        headers=client_headers,
        json={
            "standard_code": worker.setup.standard.code,
            "claims": ["name", "units"],
            "formats": ["jwt_vc_json"],
            "country": "CA",
        },
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["status"] == "pending" and body["result"] is None
    request = read_request_link(client, body["request_uri_link"])
    assert request == read_request_link(client, body["request_link"])
    assert request == body["authorization_request"]
    assert [item["format"] for item in request["dcql_query"]["credentials"]] == ["jwt_vc_json"]
    assert "credential_sets" not in request["dcql_query"]

    answered = answer(client, request, "nassc_jwt_vc", jwt_presentation(worker.held, request))
    assert answered.status_code == 200, answered.text
    assert answered.json() == {}, "no redirect: the request was not opened on this device"

    read = client.get(f"{API}/{body['id']}", headers=client_headers)
    assert read.status_code == 200, read.text
    assert read.headers["cache-control"] == "no-store"
    result = read.json()["result"]
    assert read.json()["status"] == "answered"
    assert result["verified"] is True and result["outcome"] == "verified"
    assert result["format"] == "jwt_vc_json"
    assert result["disclosed"]["name"] == "María Fernanda López"
    assert result["disclosed"]["certification"]["code"] == worker.setup.standard.code
    assert result["disclosed"]["units"], "the certification's units were asked for"
    assert "score" not in result["disclosed"]
    assert {check["name"]: check["status"] for check in result["checks"]}["revocation"] == "passed"

    other = provider_headers(client, db, create_provider(db))
    assert_problem(
        client.get(f"{API}/{body['id']}", headers=other), 404, "presentation-request-not-found"
    )
    assert client.get(f"{API}/{body['id']}").status_code == 401


def test_a_request_names_a_standard_or_a_sector(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    headers = worker.setup.provider
    neither = client.post(API, headers=headers, json={"claims": ["name"]})
    assert_problem(neither, 422, "invalid-presentation-request")
    unknown = client.post(API, headers=headers, json={"standard_code": "NO-SUCH-STANDARD"})
    assert_problem(unknown, 422, "invalid-presentation-request")
    sector = client.post(API, headers=headers, json={"sector": worker.setup.standard.sector})
    assert sector.status_code == 201, sector.text
    vcts = sector.json()["authorization_request"]["dcql_query"]["credentials"][0]["meta"]
    assert f"http://testserver/vct/{worker.setup.standard.code}" in vcts["vct_values"]


def test_a_revoked_credential_is_shown_revoked(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    worker = worker_with_wallet(client, app, db)
    revoked = client.post(
        f"/api/v1/admin/credentials/{worker.credential_id}/revoke",
        headers=worker.setup.staff,
        json={"reason": "withdrawn"},
    )
    assert revoked.status_code == 200, revoked.text
    made = client.post(
        API, headers=worker.setup.provider, json={"standard_code": worker.setup.standard.code}
    )
    request = made.json()["authorization_request"]
    answered = answer(client, request, "nassc_jwt_vc", jwt_presentation(worker.held, request))
    assert answered.status_code == 200, answered.text
    result = client.get(f"{API}/{made.json()['id']}", headers=worker.setup.provider).json()
    assert result["result"]["outcome"] == "revoked"
    assert result["result"]["verified"] is False
    assert db.scalar(select(VerificationEvent.outcome)) == "revoked"


@pytest.fixture
def cli_database(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("NASSC_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_results_are_deleted_when_they_expire(
    client: TestClient, app: FastAPI, db: Session, cli_database: None
) -> None:
    worker = worker_with_wallet(client, app, db)
    made = client.post(
        API, headers=worker.setup.provider, json={"standard_code": worker.setup.standard.code}
    )
    request = made.json()["authorization_request"]
    assert (
        answer(client, request, "nassc_jwt_vc", jwt_presentation(worker.held, request)).status_code
        == 200
    )
    row = db.get(PresentationRequest, made.json()["id"])
    assert row is not None and row.result is not None
    assert row.result_expires_at is not None
    lifetime = row.result_expires_at - row.answered_at  # type: ignore[operator]
    assert lifetime == timedelta(seconds=app.state.settings.presentation_result_seconds)
    row.result_expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    purged = CliRunner().invoke(cli.app, ["purge-presentations"])
    assert purged.exit_code == 0, purged.output
    assert "deleted 1 expired" in purged.output
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(PresentationRequest)) == 0
    # Only the anonymous event of the verification remains.
    assert db.scalar(select(func.count()).select_from(VerificationEvent)) == 1
    gone = client.get(f"{API}/{made.json()['id']}", headers=worker.setup.provider)
    assert_problem(gone, 404, "presentation-request-not-found")
