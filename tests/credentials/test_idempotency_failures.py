"""Issue 20, defect 3: a request that fails leaves its Idempotency-Key free for the retry.

On SQLite, pysqlite opened no transaction before the savepoint that claims the key, so
SQLite ran `SAVEPOINT` as a transaction of its own and `RELEASE` committed the claim: the
failed request's rollback left an in-progress record, and the retry got a 500 (KeyError).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.service import CLIENT_PREFIX
from app.credentials import idempotency
from app.credentials.models import Credential, IdempotencyRecord
from app.credentials.schemas import CredentialIssue
from app.providers.models import TrainingProvider
from tests.credentials.factories import issue_body, issuing_setup
from tests.factories import client_credentials
from tests.helpers import assert_problem

CREDENTIALS = "/api/v1/credentials"


def _records(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(IdempotencyRecord)) or 0


def test_a_failed_request_leaves_no_record_and_the_retry_is_answered_again(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    headers = {**setup.provider, "Idempotency-Key": "retry-after-failure"}
    body = issue_body(setup.curriculum_id + 1000)  # not this provider's curriculum

    first = client.post(CREDENTIALS, headers=headers, json=body)
    assert first.status_code == 404, first.text
    assert _records(db) == 0

    retry = client.post(CREDENTIALS, headers=headers, json=body)
    assert_problem(retry, 404, "curriculum-not-found")
    assert _records(db) == 0


def test_the_key_works_once_the_request_is_corrected(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    headers = {**setup.provider, "Idempotency-Key": "corrected"}
    failed = client.post(CREDENTIALS, headers=headers, json=issue_body(setup.curriculum_id + 1000))
    assert failed.status_code == 404

    issued = client.post(CREDENTIALS, headers=headers, json=issue_body(setup.curriculum_id))
    assert issued.status_code == 201, issued.text
    replay = client.post(CREDENTIALS, headers=headers, json=issue_body(setup.curriculum_id))
    assert replay.status_code == 200
    assert replay.json()["id"] == issued.json()["id"]
    assert db.scalar(select(func.count()).select_from(Credential)) == 1


def test_an_abandoned_in_progress_record_is_taken_over(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    """A record left in progress (by a crash, or by the bug above) does not burn the key."""
    setup = issuing_setup(client, app, db)
    body = issue_body(setup.curriculum_id)
    provider = db.get_one(TrainingProvider, setup.provider_id)
    client_id, secret = client_credentials(db, provider)
    token = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    ).json()["access_token"]
    db.add(
        IdempotencyRecord(
            principal=f"{CLIENT_PREFIX}{client_id}",
            key="abandoned",
            request_hash=idempotency.request_hash(_normalized(body)),
            status_code=idempotency.IN_PROGRESS,
            response={},
            created_at=datetime.now(UTC),
        )
    )
    db.commit()

    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "abandoned"}
    issued = client.post(CREDENTIALS, headers=headers, json=body)
    assert issued.status_code == 201, issued.text
    replay = client.post(CREDENTIALS, headers=headers, json=body)
    assert replay.status_code == 200
    assert replay.json()["id"] == issued.json()["id"]


def _normalized(body: dict[str, object]) -> object:
    return CredentialIssue.model_validate(body).model_dump(mode="json")
