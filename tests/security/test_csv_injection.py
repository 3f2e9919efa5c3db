"""CSV injection (issue 12): formulas in an uploaded cohort are data, and formulas in
names reach CSV reports neutralized. tests/reports/test_formats.py unit-tests `cell`."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.credentials.models import Credential
from app.db import utcnow
from app.providers.models import TrainingProvider
from tests.credentials.factories import issue_body, issuing_setup
from tests.factories import staff_headers

FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
]


def test_formulas_in_an_uploaded_cohort_are_stored_as_text(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    lines = io.StringIO()
    writer = csv.writer(lines)
    writer.writerow(["name", "email", "completed_on", "evidence_name", "evidence_narrative"])
    for n, formula in enumerate(FORMULAS):
        narrative = f'a "quoted",\n{formula}'
        writer.writerow([formula, f"w{n}@example.com", "2026-11-20", formula, narrative])
    response = client.post(
        f"/api/v1/credential-batches?curriculum_id={setup.curriculum_id}",
        headers={**setup.provider, "Content-Type": "text/csv"},
        content=lines.getvalue().encode(),
    )
    assert response.status_code == 202, response.text
    batch_id = response.json()["id"]
    batch = client.get(f"/api/v1/credential-batches/{batch_id}", headers=setup.provider)
    assert (batch.json()["done"], batch.json()["failed"]) == (len(FORMULAS), 0)
    query = select(Credential.subject_name).where(Credential.batch_id == batch_id)
    names = sorted(db.scalars(query))
    assert names == sorted(FORMULAS)


def test_a_formula_in_a_name_is_neutralized_in_the_csv_report(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    db.get_one(TrainingProvider, setup.provider_id).name = FORMULAS[0]
    db.commit()
    soon = utcnow() + timedelta(days=10)
    issued = client.post(
        "/api/v1/credentials", headers=setup.provider, json=issue_body(setup.curriculum_id)
    )
    assert issued.status_code == 201, issued.text
    stored = db.get_one(Credential, issued.json()["id"])
    stored.valid_until = soon
    db.commit()

    auditor = staff_headers(client, db, Role.auditor)
    report = client.get(
        "/api/v1/admin/reports/expiring?days=30", headers={**auditor, "Accept": "text/csv"}
    )
    assert report.status_code == 200, report.text
    [row] = list(csv.DictReader(io.StringIO(report.text)))
    assert row["provider_name"] == "'" + FORMULAS[0]
