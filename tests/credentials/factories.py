"""Factories for issuance tests: an accredited provider with an approved curriculum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.roles import Principal, Role
from app.credentials import batches, issuance
from app.credentials.models import Credential, CredentialBatch, CredentialBatchRow
from app.credentials.schemas import CredentialIssue
from app.credentials.signing import current_signer
from app.db import utcnow
from app.fields import Country
from app.standards import service as standards_service
from app.standards.schemas import StandardRead
from tests.curricula.factories import complete_curriculum_body
from tests.factories import create_provider, ensure_signing_key, provider_headers, staff_headers


@dataclass(frozen=True)
class IssuingSetup:
    """Everything a test needs to issue credentials."""

    provider: dict[str, str]
    staff: dict[str, str]
    provider_id: int
    curriculum_id: int
    standard: StandardRead


def ready_to_issue(app: FastAPI, db: Session, *, index: int = 0) -> StandardRead:
    """Seeded standards (once) and a signing key; returns the standard at `index`."""
    if standards_service.list_standards(db, limit=1).total == 0:
        standards_service.seed_standards(
            db, directory=app.state.settings.curricula_dir, now=utcnow()
        )
        db.commit()
    ensure_signing_key(app, db)
    standards = standards_service.list_standards(db, limit=100).items
    return standards_service.to_schema(standards[index])


def issuing_setup(
    client: TestClient, app: FastAPI, db: Session, *, country: Country = Country.mx, index: int = 0
) -> IssuingSetup:
    """Seeded standards, a signing key, and an approved curriculum of an accredited provider."""
    standard = ready_to_issue(app, db, index=index)
    provider = create_provider(db, country=country.value)
    headers = provider_headers(client, db, provider)
    staff = staff_headers(client, db, Role.registrar)
    submitted = client.post(
        "/api/v1/provider/curricula",
        headers=headers,
        json=complete_curriculum_body(standard, country),
    )
    assert submitted.status_code == 201, submitted.text
    curriculum_id = int(submitted.json()["id"])
    approved = client.post(f"/api/v1/admin/curricula/{curriculum_id}/approve", headers=staff)
    assert approved.status_code == 200, approved.text
    return IssuingSetup(
        provider=headers,
        staff=staff,
        provider_id=provider.id,
        curriculum_id=curriculum_id,
        standard=standard,
    )


def issue_body(
    curriculum_id: int, *, name: str = "María Fernanda López", **extra: Any
) -> dict[str, Any]:
    """A valid single-issuance request."""
    body: dict[str, Any] = {
        "curriculum_id": curriculum_id,
        "recipient": {"name": name, "email": "maria.lopez@example.com"},
        "assessment": {
            "completed_on": "2026-11-20",
            "score_percent": 86.5,
            "evidence": [
                {
                    "name": "Practical assessment",
                    "narrative": "Completed the practical task under observation.",
                    "genre": "Assessment",
                }
            ],
        },
    }
    body.update(extra)
    return body


BATCHES = "/api/v1/credential-batches"


def rows(count: int, *, start: int = 0) -> list[dict[str, Any]]:
    """`count` valid batch rows (workers numbered from `start`)."""
    return [
        {
            "recipient": {"name": f"Worker {n}", "email": f"worker{n}@example.com"},
            "assessment": {"completed_on": "2026-11-20", "score_percent": 70 + n % 30},
        }
        for n in range(start, start + count)
    ]


HOLDER = "María Fernanda López"


def issue_with_claim_link(app: FastAPI, db: Session) -> tuple[Credential, str]:
    """A credential issued by a registrar for the first seed standard without HTTP (a live
    server owns the app's lifespan), and the secret of the worker's claim link."""
    standards_service.seed_standards(db, directory=app.state.settings.curricula_dir, now=utcnow())
    db.commit()
    ensure_signing_key(app, db)
    standard = standards_service.list_standards(db, limit=1).items[0]
    request = CredentialIssue.model_validate(
        {
            "standard_code": standard.code,
            "standard_version": standard.version,
            "recipient": {"name": HOLDER, "email": "maria.lopez@example.com"},
            "assessment": {"completed_on": date(2026, 11, 20).isoformat()},
        }
    )
    signer = current_signer(
        db, settings=app.state.settings, cache=app.state.key_cache, contexts=app.state.contexts
    )
    credential, claim_token = issuance.issue_credential(
        db,
        principal=Principal(subject="registrar-1", role=Role.registrar, name="Registrar"),
        request=request,
        signer=signer,
        base_url=app.state.settings.public_base_url,
        now=utcnow(),
    )
    db.commit()
    return credential, claim_token


def queue_batch(db: Session, setup: IssuingSetup, count: int, *, start: int = 0) -> str:
    """A JSON batch of `count` rows queued directly through the service, as a provider would."""
    principal = Principal(
        subject="client:test", role=Role.provider, name="test", provider_id=setup.provider_id
    )
    body = batches.BatchCreate(curriculum_id=setup.curriculum_id, rows=rows(count, start=start))
    batch = batches.create_batch(
        db,
        principal=principal,
        target=batches.BatchTarget(curriculum_id=setup.curriculum_id),
        rows=batches.parse_json_rows(body),
        now=utcnow(),
    )
    db.commit()
    return batch.id


def assert_batch_issued_once(db: Session, batch_id: str, count: int) -> None:
    """The batch completed with every row issued exactly once."""
    db.expire_all()
    batch = db.get_one(CredentialBatch, batch_id)
    assert (batch.status, batch.done, batch.failed) == ("completed", count, 0)
    credentials = db.scalar(
        select(func.count()).select_from(Credential).where(Credential.batch_id == batch_id)
    )
    assert credentials == count
    pending = db.scalar(
        select(func.count())
        .select_from(CredentialBatchRow)
        .where(CredentialBatchRow.batch_id == batch_id, CredentialBatchRow.status != "issued")
    )
    assert pending == 0


def upload_csv_batch(client: TestClient, setup: IssuingSetup, csv_text: str) -> dict[str, Any]:
    """Upload `csv_text` as the provider's batch (202), then read the batch's progress."""
    response = client.post(
        f"{BATCHES}?curriculum_id={setup.curriculum_id}",
        headers={**setup.provider, "Content-Type": "text/csv"},
        content=csv_text.encode(),
    )
    assert response.status_code == 202, response.text
    progress: dict[str, Any] = client.get(
        f"{BATCHES}/{response.json()['id']}", headers=setup.provider
    ).json()
    return progress
