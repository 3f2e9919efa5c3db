"""Two instances of the service on one database, as two servers behind a load balancer: each
an app of its own (its engine, connection pool, caches, batch runner), the same database and
key folder. Requests run concurrently from threads, half through each instance.

- concurrent issuance allocates every status index once (no duplicate, none lost) and
  leaves one valid audit chain;
- an `Idempotency-Key` retried on the other instance, even at the same moment, issues once;
- a revocation through one instance is in the other's answers and status list at once;
- a batch both batch runners work on at once issues every row exactly once.

Both instances live in this process, so caches that another *process* would keep for their
time bound (`app.verification.caches`) are not what this checks; the database is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import verification
from app.audit.models import AuditEvent
from app.config import Settings
from app.credentials.models import Credential
from app.main import create_app
from tests.credentials.factories import (
    IssuingSetup,
    assert_batch_issued_once,
    issue_body,
    issuing_setup,
    queue_batch,
)
from tests.status.factories import set_bits

CREDENTIALS = "/api/v1/credentials"
ADMIN = "/api/v1/admin/credentials"
T = TypeVar("T")


@pytest.fixture
def other_app(settings: Settings) -> Iterator[FastAPI]:
    """A second instance: the same settings (database, key folder), an app of its own."""
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def other_client(other_app: FastAPI, client: TestClient) -> Iterator[TestClient]:
    with TestClient(other_app) as test_client:
        # FastAPI prepares each route at its first match, silencing a pydantic warning with
        # `warnings.catch_warnings`, whose filters are process-wide, not per thread: first
        # requests racing each other let the warning through, an error under pytest. A path
        # that matches nothing prepares every route, here one request at a time.
        for each in (client, test_client):
            assert each.get("/no-such-path").status_code == 404
        yield test_client


def _at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Run `calls` concurrently, each released by the same barrier; results in order."""
    barrier = threading.Barrier(len(calls))

    def released(call: Callable[[], T]) -> T:
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(released, calls))


def _issue(client: TestClient, setup: IssuingSetup, n: int, **headers: str) -> httpx2.Response:
    body = issue_body(setup.curriculum_id, name=f"Worker {n}")
    return client.post(CREDENTIALS, headers={**setup.provider, **headers}, json=body)


def test_concurrent_issuance_on_two_instances_allocates_each_status_index_once(
    client: TestClient, other_client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    clients = (client, other_client)

    def issue(n: int) -> Callable[[], httpx2.Response]:
        return lambda: _issue(clients[n % 2], setup, n)

    responses = _at_once([issue(n) for n in range(16)])

    assert [r.status_code for r in responses] == [201] * 16, [r.text for r in responses]
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 16
    stored = db.scalars(select(Credential).where(Credential.id.in_(ids))).all()
    revocations = {(c.revocation_list_id, c.revocation_index) for c in stored}
    suspensions = {(c.suspension_list_id, c.suspension_index) for c in stored}
    assert len(stored) == len(revocations) == len(suspensions) == 16
    entries = [
        (entry["statusListCredential"], entry["statusListIndex"], entry["statusPurpose"])
        for r in responses
        for entry in r.json()["credential"]["credentialStatus"]
    ]
    assert len(set(entries)) == 32
    # Each issuance appended its event as it committed: one chain, unforked, no gap.
    report = verification.verify_chain(db)
    assert report.ok, report
    issued_events = db.scalars(
        select(AuditEvent.target_id).where(AuditEvent.action == "credential.issue")
    ).all()
    assert set(issued_events) == ids


def test_an_idempotency_key_sent_to_both_instances_at_once_issues_once(
    client: TestClient, other_client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    key = {"Idempotency-Key": "lms-retry-7f3a"}

    first, second = _at_once(
        [
            lambda: _issue(client, setup, 1, **key),
            lambda: _issue(other_client, setup, 1, **key),
        ]
    )
    later = _issue(other_client, setup, 1, **key)

    assert sorted([first.status_code, second.status_code]) == [200, 201]
    assert first.json()["id"] == second.json()["id"] == later.json()["id"]
    assert later.headers["Idempotent-Replay"] == "true"
    assert db.scalar(select(func.count()).select_from(Credential)) == 1


def _status_bits(client: TestClient, entry: dict[str, Any]) -> set[int]:
    response = client.get(entry["statusListCredential"].removeprefix("http://testserver"))
    assert response.status_code == 200, response.text
    return set_bits(response.json()["credentialSubject"]["encodedList"])


def test_a_revocation_through_one_instance_is_seen_by_the_other_at_once(
    client: TestClient, other_client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    issued = _issue(client, setup, 1).json()
    revocation = next(
        entry
        for entry in issued["credential"]["credentialStatus"]
        if entry["statusPurpose"] == "revocation"
    )
    index = int(revocation["statusListIndex"])
    assert index not in _status_bits(other_client, revocation)  # read (and cacheable) before

    revoked = client.post(
        f"{ADMIN}/{issued['id']}/revoke", headers=setup.staff, json={"reason": "Fraud"}
    )
    assert revoked.status_code == 200, revoked.text

    seen = other_client.get(f"{CREDENTIALS}/{issued['id']}", headers=setup.staff)
    assert seen.status_code == 200, seen.text
    assert seen.json()["status"] == "revoked"
    assert index in _status_bits(other_client, revocation)


def test_a_batch_run_by_both_instances_at_once_issues_every_row_once(
    client: TestClient, app: FastAPI, other_app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    batch_id = queue_batch(db, setup, 30)

    _at_once(
        [
            lambda: app.state.batch_runner.run(batch_id),
            lambda: other_app.state.batch_runner.run(batch_id),
        ]
    )

    assert_batch_issued_once(db, batch_id, 30)
