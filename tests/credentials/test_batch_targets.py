"""Issue 12, defect 1: every batch-issued credential attests the standard its row asked for."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.roles import Principal, Role
from app.credentials import batches
from app.credentials.models import Credential, CredentialBatch
from app.credentials.schemas import CredentialIssue
from app.curricula.models import Curriculum, CurriculumStatus
from app.db import utcnow
from app.standards import service as standards_service
from tests.credentials.factories import BATCHES, issuing_setup, rows
from tests.helpers import assert_problem


def test_a_row_naming_its_own_target_is_refused_naming_the_row(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    cohort = rows(3)
    cohort[1]["standard_code"] = setup.standard.code
    response = client.post(
        BATCHES, headers=setup.staff, json={"curriculum_id": setup.curriculum_id, "rows": cohort}
    )
    problem = assert_problem(response, 422, "batch-row-target")
    assert problem["row"] == 2
    assert "Row 2" in problem["detail"]
    assert db.scalar(select(func.count()).select_from(CredentialBatch)) == 0


def test_a_row_naming_another_curriculum_is_refused(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    cohort = rows(2)
    cohort[1]["curriculum_id"] = setup.curriculum_id + 1000
    response = client.post(
        BATCHES, headers=setup.provider, json={"curriculum_id": setup.curriculum_id, "rows": cohort}
    )
    assert_problem(response, 422, "batch-row-target")


def test_a_recorded_batch_mixing_targets_issues_each_row_for_its_own(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    """Batches queued before rows were refused a target may mix them: the runner honours each."""
    issuing_setup(client, app, db)
    standards = standards_service.list_standards(db, limit=100).items[:3]
    assert len({standard.code for standard in standards}) == 3
    cohort = rows(6)
    parsed = []
    for number, row in enumerate(cohort, start=1):
        standard = standards[number % 3]
        request = CredentialIssue.model_validate(
            {**row, "standard_code": standard.code, "standard_version": standard.version}
        )
        parsed.append(
            batches.ParsedRow(number=number, payload=request.model_dump(mode="json"), errors=None)
        )
    staff = Principal(subject="user:registrar", role=Role.registrar, name="registrar")
    batch = batches.create_batch(
        db,
        principal=staff,
        target=batches.BatchTarget(standard_code=standards[0].code),
        rows=parsed,
        now=utcnow(),
    )
    db.commit()

    assert app.state.batch_runner.run(batch.id)

    credentials = db.scalars(
        select(Credential).where(Credential.batch_id == batch.id).order_by(Credential.batch_row)
    ).all()
    assert [credential.batch_row for credential in credentials] == [1, 2, 3, 4, 5, 6]
    for credential in credentials:
        asked = parsed[(credential.batch_row or 0) - 1].payload["standard_code"]
        assert credential.standard.code == asked
        achievement = credential.document["credentialSubject"]["achievement"]
        assert asked in str(achievement), achievement


def test_a_target_that_became_unusable_fails_every_row_and_completes(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    """Found by the tests above: this path used to raise (rows and credentials zipped
    strictly with none prepared), leaving the batch `running`."""
    setup = issuing_setup(client, app, db)
    created = client.post(
        BATCHES,
        headers=setup.provider,
        json={"curriculum_id": setup.curriculum_id, "rows": rows(3)},
    )
    assert created.status_code == 202, created.text
    batch_id = created.json()["id"]
    # The background run already issued it; queue a second batch and withdraw approval first.
    second = batches.create_batch(
        db,
        principal=Principal(
            subject="client:test", role=Role.provider, name="t", provider_id=setup.provider_id
        ),
        target=batches.BatchTarget(curriculum_id=setup.curriculum_id),
        rows=batches.parse_json_rows(
            batches.BatchCreate(curriculum_id=setup.curriculum_id, rows=rows(3))
        ),
        now=utcnow(),
    )
    curriculum = db.get_one(Curriculum, setup.curriculum_id)
    curriculum.status = CurriculumStatus.rejected
    db.commit()

    assert app.state.batch_runner.run(second.id)

    progress = client.get(f"{BATCHES}/{second.id}", headers=setup.provider).json()
    assert (progress["status"], progress["done"], progress["failed"]) == ("completed", 0, 3)
    assert {failure["errors"][0]["type"] for failure in progress["failures"]} == {
        "curriculum-not-approved"
    }
    assert client.get(f"{BATCHES}/{batch_id}", headers=setup.provider).json()["done"] == 3
