"""A credential attests only the units the worker earned, and only dates it can carry:
mandatory units plus the curriculum's (or the request's) electives; refused electives and
dates are problems with a stable type, for a single issue and for each batch row."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.fields import Language
from app.providers.models import TrainingProvider
from tests.credentials.factories import (
    BATCHES,
    IssuingSetup,
    issue_body,
    issuing_setup,
    rows,
    upload_csv_batch,
)
from tests.helpers import assert_problem
from tests.web.helpers import assert_page

CREDENTIALS = "/api/v1/credentials"
LANGUAGES: tuple[Language, ...] = tuple(Language)


def unit_codes(setup: IssuingSetup, kind: str) -> list[str]:
    return [unit.code for unit in setup.standard.units if unit.kind.value == kind]


def aligned_units(issued: dict[str, Any]) -> list[str]:
    achievement = issued["credential"]["credentialSubject"]["achievement"]
    return [a["targetCode"] for a in achievement["alignment"] if a.get("targetType") == "CFItem"]


def listed_units(client: TestClient, credential_id: str, language: Language) -> list[str]:
    page = assert_page(client.get(f"/verify/{credential_id}", params={"lang": language}))
    section = page.find("section", class_="competencies")
    return [code.text for code in section.find_all("code", class_="unit__code")]


def post(client: TestClient, setup: IssuingSetup, **extra: Any) -> Any:
    return client.post(
        CREDENTIALS, headers=setup.provider, json=issue_body(setup.curriculum_id, **extra)
    )


def test_units_follow_the_curriculum_or_the_named_electives(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    mandatory, electives = unit_codes(setup, "mandatory"), unit_codes(setup, "elective")
    assert len(electives) >= 2 and setup.standard.electives_required == 1

    by_curriculum = post(client, setup)
    assert by_curriculum.status_code == 201, by_curriculum.text
    # The curriculum covers the first elective only: the second is not attested.
    assert aligned_units(by_curriculum.json()) == [*mandatory, electives[0]]

    body = issue_body(setup.curriculum_id)
    body["assessment"]["electives"] = [electives[1]]
    named = client.post(CREDENTIALS, headers=setup.provider, json=body)
    assert named.status_code == 201, named.text
    assert aligned_units(named.json()) == [*mandatory, electives[1]]

    for language in LANGUAGES:
        assert listed_units(client, by_curriculum.json()["id"], language) == [
            *mandatory,
            electives[0],
        ]
        assert listed_units(client, named.json()["id"], language) == [*mandatory, electives[1]]


@pytest.mark.parametrize(
    ("change", "slug"),
    [
        ({"electives": ["MANDATORY"]}, "not-an-elective-unit"),
        ({"electives": ["NOPE-U99"]}, "not-an-elective-unit"),
        ({"valid_from": "2026-11-01T00:00:00Z"}, "valid-before-assessment"),
        (
            {"valid_from": "2015-06-01T00:00:00Z", "completed_on": "2015-05-01"},
            "credential-already-expired",
        ),
    ],
)
def test_a_request_the_credential_cannot_carry_is_refused(
    client: TestClient, app: FastAPI, db: Session, change: dict[str, Any], slug: str
) -> None:
    setup = issuing_setup(client, app, db)
    body = issue_body(setup.curriculum_id)
    if "electives" in change:
        named = change["electives"]
        body["assessment"]["electives"] = (
            [unit_codes(setup, "mandatory")[0]] if named == ["MANDATORY"] else named
        )
    if "completed_on" in change:
        body["assessment"]["completed_on"] = change["completed_on"]
    if "valid_from" in change:
        body["valid_from"] = change["valid_from"]
    problem = assert_problem(client.post(CREDENTIALS, headers=setup.provider, json=body), 422, slug)
    assert problem["detail"]


def test_batch_rows_are_refused_with_the_same_types(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    electives = unit_codes(setup, "elective")
    cohort = rows(4)
    cohort[1]["assessment"]["electives"] = [unit_codes(setup, "mandatory")[0]]
    cohort[2]["valid_from"] = "2026-11-01T00:00:00Z"
    cohort[3]["assessment"]["electives"] = [electives[1]]
    response = client.post(
        BATCHES, headers=setup.provider, json={"curriculum_id": setup.curriculum_id, "rows": cohort}
    )
    assert response.status_code == 202, response.text
    progress = client.get(f"{BATCHES}/{response.json()['id']}", headers=setup.provider).json()
    assert (progress["done"], progress["failed"]) == (2, 2)
    failures = {failure["row"]: failure["errors"][0]["type"] for failure in progress["failures"]}
    assert failures == {2: "not-an-elective-unit", 3: "valid-before-assessment"}

    csv_text = (
        "name,email,completed_on,valid_from,electives\n"
        f"Ana Ruiz,ana@example.com,2026-11-18,,{electives[1]}\n"
        "Old Row,old@example.com,2015-05-01,2015-06-01T00:00:00Z,\n"
    )
    uploaded = upload_csv_batch(client, setup, csv_text)
    assert (uploaded["done"], uploaded["failed"]) == (1, 1)
    assert uploaded["failures"][0]["errors"][0]["type"] == "credential-already-expired"


def test_the_training_provider_is_the_subject_source(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    issued = post(client, setup)
    assert issued.status_code == 201, issued.text
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    source = issued.json()["credential"]["credentialSubject"]["source"]
    assert source["type"] == ["Profile"]
    assert source["name"] == provider.name
    assert source["address"]["addressCountryCode"] == provider.country
    assert source["otherIdentifier"][0]["identifier"] == provider.identifier
