"""`GET /metrics`: request figures by route template, database figures, and who may scrape."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy.orm import Session

from app.config import PROJECT_ROOT, Settings
from app.credentials.models import CredentialBatch, CredentialBatchRow
from app.db import utcnow
from app.main import create_app
from tests.helpers import assert_problem
from tests.reports.dataset import seed_report_dataset

TOKEN = "metrics-token-0123456789abcdef0123"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(exposition: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def sample(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


@contextmanager
def calling_from(app: FastAPI, host: str) -> Iterator[TestClient]:
    """A client calling from `host`; metrics need no lifespan, so none is run."""
    test_client = TestClient(app, client=(host, 50000))
    try:
        yield test_client
    finally:
        test_client.close()


@pytest.fixture
def local(app: FastAPI) -> Iterator[TestClient]:
    """A client calling from 127.0.0.1."""
    with calling_from(app, "127.0.0.1") as test_client:
        yield test_client


def scrape(client: TestClient, headers: dict[str, str] | None = None) -> Samples:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return parse(response.text)


def test_requests_are_counted_by_route_template_never_by_raw_path(local: TestClient) -> None:
    assert local.get("/healthz").status_code == 200
    assert local.get("/healthz").status_code == 200
    assert local.get("/api/v1/credentials/secret-credential-id").status_code == 401
    assert local.get("/claim-links/secret-claim-token").status_code == 404
    assert local.request("BREW", "/healthz").status_code == 405

    response = local.get("/metrics")
    assert response.status_code == 200
    assert "secret" not in response.text
    samples = parse(response.text)
    requests = "http_requests_total"
    assert sample(samples, requests, method="GET", route="/healthz", status="200") == 2
    credential_route = "/api/v1/credentials/{credential_id}"
    assert sample(samples, requests, method="GET", route=credential_route, status="401") == 1
    assert sample(samples, requests, method="GET", route="unmatched", status="404") == 1
    assert sample(samples, requests, method="other", route="/healthz", status="405") == 1
    durations = "http_request_duration_seconds_count"
    assert sample(samples, durations, method="GET", route="/healthz") == 2
    bucket = sample(
        samples, "http_request_duration_seconds_bucket", method="GET", route="/healthz", le="+Inf"
    )
    assert bucket == 2


def test_business_figures_are_counted_in_the_database(local: TestClient, db: Session) -> None:
    seed_report_dataset(db, now=utcnow())
    running, completed = str(uuid.uuid4()), str(uuid.uuid4())
    db.add_all(
        [
            CredentialBatch(
                id=running,
                requested_by="test",
                requested_by_role="registrar",
                status="running",
                total=3,
            ),
            CredentialBatch(
                id=completed,
                requested_by="test",
                requested_by_role="registrar",
                status="completed",
                total=2,
            ),
        ]
    )
    db.flush()
    rows = [
        (running, "issued"),
        (running, "pending"),
        (running, "pending"),
        (completed, "issued"),
        (completed, "failed"),
    ]
    for number, (batch_id, status) in enumerate(rows, 1):
        db.add(CredentialBatchRow(batch_id=batch_id, row_number=number, status=status, payload={}))
    db.commit()

    samples = scrape(local)
    assert sample(samples, "credentials_issued_total") == 10
    assert sample(samples, "verifications_total", outcome="verified") == 8
    assert sample(samples, "verifications_total", outcome="revoked") == 1
    assert sample(samples, "verifications_total", outcome="unknown-issuer") == 1
    assert sample(samples, "batch_rows_processed_total", result="issued") == 2
    assert sample(samples, "batch_rows_processed_total", result="failed") == 1
    assert sample(samples, "batch_rows_pending") == 2
    assert sample(samples, "credential_batches", status="running") == 1
    assert sample(samples, "credential_batches", status="completed") == 1
    assert sample(samples, "credential_batches", status="queued") == 0


def test_an_empty_database_reports_zeros(local: TestClient) -> None:
    samples = scrape(local)
    assert sample(samples, "credentials_issued_total") == 0
    assert sample(samples, "batch_rows_pending") == 0
    assert not [key for key in samples if key[0] == "verifications_total"]


def test_openmetrics_when_asked_for(local: TestClient) -> None:
    response = local.get("/metrics", headers={"Accept": "application/openmetrics-text"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")


def test_without_a_token_only_direct_loopback_requests_are_served(
    app: FastAPI, local: TestClient
) -> None:
    for host in ("testclient", "203.0.113.9", "10.0.0.1", "::ffff:203.0.113.9"):
        with calling_from(app, host) as remote:
            body = assert_problem(remote.get("/metrics"), 403, "forbidden")
            assert "this machine only" in body["detail"]
    for host in ("::1", "127.0.0.2"):
        with calling_from(app, host) as loopback:
            assert loopback.get("/metrics").status_code == 200
    for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
        proxied = local.get("/metrics", headers={header: "203.0.113.9"})
        assert_problem(proxied, 403, "forbidden")


@pytest.fixture
def token_app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings.model_copy(update={"metrics_token": SecretStr(TOKEN)}))
    yield application
    application.state.engine.dispose()


def test_with_a_token_configured_the_bearer_token_is_required(token_app: FastAPI) -> None:
    with calling_from(token_app, "127.0.0.1") as local:
        missing = assert_problem(local.get("/metrics"), 401, "unauthorized")
        assert "metrics bearer token" in missing["detail"]
        for authorization in (f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer "):
            response = local.get("/metrics", headers={"Authorization": authorization})
            assert_problem(response, 401, "unauthorized")
            assert response.headers["www-authenticate"].startswith("Bearer")
    with calling_from(token_app, "203.0.113.9") as remote:
        assert scrape(remote, {"Authorization": f"Bearer {TOKEN}"})


def test_an_empty_token_counts_as_unset(settings: Settings) -> None:
    application = create_app(settings.model_copy(update={"metrics_token": SecretStr("")}))
    try:
        with calling_from(application, "203.0.113.9") as remote:
            response = remote.get("/metrics", headers={"Authorization": "Bearer "})
            assert_problem(response, 403, "forbidden")
        with calling_from(application, "127.0.0.1") as local:
            assert local.get("/metrics").status_code == 200
    finally:
        application.state.engine.dispose()


def test_each_app_counts_its_own_requests(settings: Settings, local: TestClient) -> None:
    local.get("/healthz")
    other = create_app(settings)
    try:
        with calling_from(other, "127.0.0.1") as other_client:
            other_client.get("/healthz")
            other_client.get("/healthz")
            other_samples = scrape(other_client)
    finally:
        other.state.engine.dispose()
    requests = "http_requests_total"
    assert sample(other_samples, requests, method="GET", route="/healthz", status="200") == 2
    mine = scrape(local)
    assert sample(mine, requests, method="GET", route="/healthz", status="200") == 1


WORKER = """
from fastapi.testclient import TestClient
from app.main import create_app

app = create_app()
client = TestClient(app, client=("127.0.0.1", 50000))
client.get("/healthz")
print(client.get("/metrics").text)
app.state.engine.dispose()
"""


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_multiprocess_mode_merges_the_workers_figures(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "NASSC_DATABASE_URL": settings.database_url,
        "NASSC_KEYS_DIR": str(tmp_path / "keys"),
        "NASSC_LOG_LEVEL": "WARNING",
    }
    outputs = [
        subprocess.run(
            [sys.executable, "-c", WORKER],
            env=env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        for _ in range(2)
    ]
    first, second = (parse(output) for output in outputs)
    requests = "http_requests_total"
    assert sample(first, requests, method="GET", route="/healthz", status="200") == 1
    # The second worker's scrape sums both workers' files.
    assert sample(second, requests, method="GET", route="/healthz", status="200") == 2
    assert sample(second, requests, method="GET", route="/metrics", status="200") == 1
