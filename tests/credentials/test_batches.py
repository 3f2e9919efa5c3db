"""Batch issuance: JSON and CSV cohorts, row errors, idempotency, crash recovery, concurrency."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.credentials.batch_runner import BatchRunner
from app.credentials.models import Credential, CredentialBatch
from app.credentials.signing_pool import SigningPool
from tests.credentials.factories import (
    BATCHES,
    assert_batch_issued_once,
    issuing_setup,
    queue_batch,
    rows,
    upload_csv_batch,
)
from tests.helpers import assert_problem


def test_json_batch_issues_valid_rows_and_reports_the_others(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    cohort = rows(5)
    cohort[1]["recipient"]["email"] = "not-an-email"
    cohort[3]["assessment"]["score_percent"] = -4
    response = client.post(
        BATCHES, headers=setup.provider, json={"curriculum_id": setup.curriculum_id, "rows": cohort}
    )
    assert response.status_code == 202, response.text
    location = response.headers["location"]
    assert location.endswith(response.json()["id"])

    progress = client.get(location.removeprefix("http://testserver"), headers=setup.provider).json()
    assert progress["status"] == "completed"
    assert (progress["total"], progress["done"], progress["failed"]) == (5, 3, 2)
    assert progress["progress_percent"] == 100.0
    assert [failure["row"] for failure in progress["failures"]] == [2, 4]
    assert progress["failures"][0]["errors"][0]["loc"][-1] == "email"

    issued = client.get(f"{BATCHES}/{progress['id']}/rows?status=issued", headers=setup.provider)
    ids = [row["credential_id"] for row in issued.json()["items"]]
    assert len(set(ids)) == 3
    credential = client.get(f"/api/v1/credentials/{ids[0]}", headers=setup.provider).json()
    assert credential["credential"]["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["jwt"].count(".") == 2

    links = client.post(f"{BATCHES}/{progress['id']}/claim-links", headers=setup.provider).json()
    assert sorted(link["row"] for link in links) == [1, 3, 5]
    assert all("/claim/" in link["claim_url"] for link in links)


def test_csv_batch(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    csv_text = (
        "name,email,completed_on,score_percent,evidence_name,evidence_narrative\n"
        "Ana Ruiz,ana@example.com,2026-11-18,91,Practical,Assembled the module\n"
        '"Tremblay, Jean",jean@example.ca,2026-11-19,,,\n'
        "Bad Date,bad@example.com,19/11/2026,80,,\n"
    )
    progress = upload_csv_batch(client, setup, csv_text)
    assert (progress["done"], progress["failed"]) == (2, 1)
    assert progress["failures"][0]["row"] == 3
    names = sorted(
        db.scalars(select(Credential.subject_name).where(Credential.batch_id == progress["id"]))
    )
    assert names == ["Ana Ruiz", "Tremblay, Jean"]


@pytest.mark.parametrize(
    ("content_type", "body", "status", "slug"),
    [
        ("text/csv", b"name,email\nA,a@example.com\n", 422, "malformed-csv"),
        ("text/csv", b"name,email,completed_on,shoe_size\n", 422, "malformed-csv"),
        ("application/xml", b"<rows/>", 415, "unsupported-media-type"),
        ("application/json", b'{"rows": [', 400, "malformed-json"),
        ("application/json", b'{"curriculum_id": 1, "rows": []}', 422, "validation-error"),
    ],
)
def test_unusable_batches_are_problems(
    client: TestClient,
    app: FastAPI,
    db: Session,
    content_type: str,
    body: bytes,
    status: int,
    slug: str,
) -> None:
    setup = issuing_setup(client, app, db)
    response = client.post(
        f"{BATCHES}?curriculum_id={setup.curriculum_id}",
        headers={**setup.provider, "Content-Type": content_type},
        content=body,
    )
    assert_problem(response, status, slug)


def test_more_than_ten_thousand_rows_is_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    body = {"curriculum_id": setup.curriculum_id, "rows": [{}] * 10_001}
    response = client.post(BATCHES, headers=setup.provider, json=body)
    assert_problem(response, 422, "batch-too-large")
    assert db.scalar(select(func.count()).select_from(CredentialBatch)) == 0


def test_batch_idempotency(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    headers = {**setup.provider, "Idempotency-Key": "cohort-2026-11"}
    body = {"curriculum_id": setup.curriculum_id, "rows": rows(2)}
    first = client.post(BATCHES, headers=headers, json=body)
    second = client.post(BATCHES, headers=headers, json=body)
    assert first.json()["id"] == second.json()["id"]
    assert second.headers["idempotent-replay"] == "true"
    assert db.scalar(select(func.count()).select_from(Credential)) == 2


def test_other_providers_cannot_see_a_batch(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    other = issuing_setup(client, app, db, index=1)
    created = client.post(
        BATCHES,
        headers=setup.provider,
        json={"curriculum_id": setup.curriculum_id, "rows": rows(1)},
    ).json()
    assert_problem(
        client.get(f"{BATCHES}/{created['id']}", headers=other.provider), 404, "batch-not-found"
    )
    assert client.get(f"{BATCHES}/{created['id']}", headers=setup.staff).status_code == 200


def test_a_killed_batch_worker_resumes_without_duplicates(
    client: TestClient, app: FastAPI, db: Session, tmp_path: Path
) -> None:
    setup = issuing_setup(client, app, db)
    total = 120
    batch_id = queue_batch(db, setup, total)
    settings = app.state.settings
    env = {
        **os.environ,
        "NASSC_DATABASE_URL": settings.database_url,
        "NASSC_KEYS_DIR": str(settings.keys_dir),
        "NASSC_KEY_PASSPHRASE": settings.key_passphrase.get_secret_value(),
        "NASSC_TOKEN_SECRET": settings.token_secret.get_secret_value(),
        "NASSC_PUBLIC_BASE_URL": settings.public_base_url,
        "NASSC_BATCH_CHUNK_SIZE": "10",
        "NASSC_BATCH_LEASE_SECONDS": "2",
        "NASSC_SIGNING_PROCESSES": "1",
        "NASSC_LOG_LEVEL": "WARNING",
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "batches", "run", batch_id],
            env=env,
            start_new_session=True,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and worker.poll() is None:
        db.expire_all()
        done = db.get_one(CredentialBatch, batch_id).done
        if done >= 20:
            break
        time.sleep(0.05)
    assert worker.poll() is None, log.read_text()
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    db.expire_all()
    interrupted = db.get_one(CredentialBatch, batch_id)
    assert 20 <= interrupted.done < total
    assert interrupted.status == "running"

    time.sleep(2.2)  # the dead worker's lease expires
    resumed = app.state.batch_runner.resume_all()
    assert resumed == [batch_id]
    assert_batch_issued_once(db, batch_id, total)


@pytest.mark.parametrize("migrated_database", ["postgres"], indirect=True)
def test_eight_concurrent_batches_share_no_status_index(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    batch_ids = [queue_batch(db, setup, 15, start=100 * n) for n in range(8)]
    pool = SigningPool(app.state.settings.contexts_dir, 2)
    runners = [
        BatchRunner(
            sessions=app.state.sessionmaker,
            settings=app.state.settings,
            key_cache=app.state.key_cache,
            contexts=app.state.contexts,
            pool=pool,
        )
        for _ in batch_ids
    ]
    errors: list[BaseException] = []

    def run(runner: BatchRunner, batch_id: str) -> None:
        try:
            assert runner.run(batch_id)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=(runner, batch_id))
        for runner, batch_id in zip(runners, batch_ids, strict=True)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        pool.shutdown()
    assert errors == []
    for batch_id in batch_ids:
        assert_batch_issued_once(db, batch_id, 15)
    revocation = db.execute(
        select(Credential.revocation_list_id, Credential.revocation_index)
    ).all()
    suspension = db.execute(
        select(Credential.suspension_list_id, Credential.suspension_index)
    ).all()
    assert len(revocation) == len(set(revocation)) == 120
    assert len(suspension) == len(set(suspension)) == 120
