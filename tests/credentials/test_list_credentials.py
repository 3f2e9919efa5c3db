"""Listing issued credentials: filters by holder name and batch, and who sees what."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from tests.credentials.factories import BATCHES, issue_body, issuing_setup, rows
from tests.factories import staff_headers
from tests.helpers import assert_problem

CREDENTIALS = "/api/v1/credentials"


def _ids(client: TestClient, headers: dict[str, str], **params: str) -> set[str]:
    response = client.get(CREDENTIALS, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def test_holder_filter_matches_part_of_the_name_in_any_case(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    issued = {}
    for name in ("María Fernanda López", "Jean Tremblay", "Ana Lopez", "Ángel Ruiz"):
        response = client.post(
            CREDENTIALS, headers=setup.provider, json=issue_body(setup.curriculum_id, name=name)
        )
        assert response.status_code == 201, response.text
        issued[name] = response.json()["id"]

    assert _ids(client, setup.staff, holder="TREMBLAY") == {issued["Jean Tremblay"]}
    assert _ids(client, setup.staff, holder="lopez") == {issued["Ana Lopez"]}
    assert _ids(client, setup.provider, holder="lópez") == {issued["María Fernanda López"]}
    assert _ids(client, setup.staff, holder="ángel") == {issued["Ángel Ruiz"]}
    assert _ids(client, setup.staff, holder="Nobody") == set()
    assert _ids(client, setup.staff, holder="%%") == set()  # wildcards are plain text
    assert _ids(client, setup.staff, holder="_n") == set()
    assert _ids(client, setup.staff) == set(issued.values())
    too_short = client.get(CREDENTIALS, headers=setup.staff, params={"holder": "a"})
    assert_problem(too_short, 422, "validation-error")


def test_batch_filter_lists_one_cohort(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    single = client.post(
        CREDENTIALS, headers=setup.provider, json=issue_body(setup.curriculum_id)
    ).json()["id"]
    submitted = client.post(
        BATCHES,
        headers=setup.provider,
        json={"curriculum_id": setup.curriculum_id, "rows": rows(2)},
    )
    assert submitted.status_code == 202, submitted.text
    batch_id = submitted.json()["id"]
    progress = client.get(f"{BATCHES}/{batch_id}", headers=setup.provider).json()
    assert (progress["status"], progress["done"]) == ("completed", 2)

    listed = _ids(client, setup.staff, batch_id=batch_id)

    assert len(listed) == 2 and single not in listed


def test_an_auditor_reads_credentials_and_cannot_issue(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    """Issue 12, defect 9: the auditor role holds `credentials:read`, so it reads them."""
    setup = issuing_setup(client, app, db)
    issued = client.post(CREDENTIALS, headers=setup.provider, json=issue_body(setup.curriculum_id))
    assert issued.status_code == 201, issued.text
    auditor = staff_headers(client, db, Role.auditor)

    assert _ids(client, auditor) == {issued.json()["id"]}
    one = client.get(f"{CREDENTIALS}/{issued.json()['id']}", headers=auditor)
    assert one.status_code == 200 and one.json()["claim_url"] is None
    assert_problem(
        client.post(CREDENTIALS, headers=auditor, json=issue_body(setup.curriculum_id)),
        403,
        "forbidden",
    )
