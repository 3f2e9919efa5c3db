"""Issue 20, defect 1: control characters in text that gets signed are refused where they
arrive (422 naming the field), and never stall a batch.

RDFC-1.0 canonicalization refuses U+0000-U+0008, U+000B, U+000C, U+000E-U+001F and U+007F,
so such text used to pass validation and fail in signing: a 500, or a batch left `running`.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from app.auth.roles import Principal, Role
from app.config import Settings
from app.credentials import batches
from app.credentials.models import CredentialBatch, CredentialBatchRow
from app.credentials.schemas import PersonName, Text
from app.db import utcnow
from tests.credentials.factories import BATCHES, issue_body, issuing_setup, rows, upload_csv_batch
from tests.factories import staff_headers
from tests.helpers import assert_problem
from tests.standards.factories import seed_document

CREDENTIALS = "/api/v1/credentials"
CONTROL = ["\x00", "\x0b", "\x1f", "\x7f"]


@pytest.mark.parametrize("character", CONTROL, ids=[f"U+{ord(c):04X}" for c in CONTROL])
def test_recipient_name_with_a_control_character_is_422(
    client: TestClient, app: FastAPI, db: Session, character: str
) -> None:
    setup = issuing_setup(client, app, db)
    body = issue_body(setup.curriculum_id, name=f"Ana{character}Ruiz")
    response = client.post(CREDENTIALS, headers=setup.provider, json=body)
    problem = assert_problem(response, 422, "validation-error")
    assert [error["loc"] for error in problem["errors"]] == [["body", "recipient", "name"]]
    assert f"U+{ord(character):04X}" in problem["errors"][0]["msg"]


@pytest.mark.parametrize("field", ["name", "genre"])
def test_evidence_with_a_control_character_is_422(
    client: TestClient, app: FastAPI, db: Session, field: str
) -> None:
    setup = issuing_setup(client, app, db)
    body = issue_body(setup.curriculum_id)
    body["assessment"]["evidence"][0][field] = "Practical\x01task"
    response = client.post(CREDENTIALS, headers=setup.provider, json=body)
    problem = assert_problem(response, 422, "validation-error")
    assert problem["errors"][0]["loc"] == ["body", "assessment", "evidence", "0", field]


def test_tab_line_feed_and_carriage_return_are_signed(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    body = issue_body(setup.curriculum_id)
    body["assessment"]["evidence"][0]["narrative"] = "Line one\r\nLine\ttwo"
    response = client.post(CREDENTIALS, headers=setup.provider, json=body)
    assert response.status_code == 201, response.text


def test_a_batch_issues_its_valid_rows_and_reports_the_control_character(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    cohort = rows(3)
    cohort[1]["recipient"]["name"] = "Worker\x00One"
    response = client.post(
        BATCHES, headers=setup.provider, json={"curriculum_id": setup.curriculum_id, "rows": cohort}
    )
    assert response.status_code == 202, response.text
    progress = client.get(f"{BATCHES}/{response.json()['id']}", headers=setup.provider).json()
    assert progress["status"] == "completed"
    assert (progress["total"], progress["done"], progress["failed"]) == (3, 2, 1)
    assert progress["failures"][0]["row"] == 2
    assert progress["failures"][0]["errors"][0]["loc"][-2:] == ["recipient", "name"]


def test_a_csv_batch_reports_the_control_character(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    csv_text = (
        "name,email,completed_on\n"
        "Ana Ruiz,ana@example.com,2026-11-18\n"
        "Jean\x1bTremblay,jean@example.ca,2026-11-19\n"
    )
    progress = upload_csv_batch(client, setup, csv_text)
    assert (progress["status"], progress["done"], progress["failed"]) == ("completed", 1, 1)


def test_the_runner_turns_a_row_it_cannot_issue_into_a_row_error(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    """A row stored before the rule (or by any other path) fails alone; the batch completes."""
    setup = issuing_setup(client, app, db)
    parsed = batches.parse_json_rows(
        batches.BatchCreate(curriculum_id=setup.curriculum_id, rows=rows(3))
    )
    parsed[1].payload["recipient"]["name"] = "Worker\x01One"  # (jsonb refuses U+0000)
    principal = Principal(
        subject="client:test", role=Role.provider, name="test", provider_id=setup.provider_id
    )
    batch = batches.create_batch(
        db,
        principal=principal,
        target=batches.BatchTarget(curriculum_id=setup.curriculum_id),
        rows=parsed,
        now=utcnow(),
    )
    db.commit()

    assert app.state.batch_runner.run(batch.id) is True

    db.expire_all()
    stored = db.get_one(CredentialBatch, batch.id)
    assert (stored.status, stored.done, stored.failed) == ("completed", 2, 1)
    failed = db.query(CredentialBatchRow).filter_by(batch_id=batch.id, status="failed").one()
    assert failed.row_number == 2
    assert failed.errors and "recipient.name" in failed.errors[0]["msg"]


@pytest.mark.parametrize("language", ["es", "fr"])
def test_standard_text_with_a_control_character_is_422(
    client: TestClient, db: Session, settings: Settings, language: str
) -> None:
    staff = staff_headers(client, db, Role.registrar)
    draft = {**seed_document(settings), "status": "draft", "code": "NASSC-TEST-CTRL"}
    draft["title"] = {**draft["title"], language: "Welding\x0csafety"}
    response = client.post("/api/v1/admin/standards", headers=staff, json=draft)
    problem = assert_problem(response, 422, "validation-error")
    assert problem["errors"][0]["loc"] == ["body", "title", language]


@pytest.mark.parametrize("text_type", [PersonName, Text])
def test_signed_text_is_stripped_non_empty_and_free_of_control_characters(
    text_type: object,
) -> None:
    # The control-character check must not disable the constraints before it: with the check
    # nested inside, pydantic compared the length before stripping and let blank text pass.
    adapter: TypeAdapter[str] = TypeAdapter(text_type)  # type: ignore[arg-type]
    assert adapter.validate_python("  Ana Pérez ") == "Ana Pérez"
    for refused in ("", "   ", "Ana\x01Pérez"):
        with pytest.raises(ValidationError):
            adapter.validate_python(refused)
