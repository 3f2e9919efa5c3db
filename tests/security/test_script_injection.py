"""Script in every displayed field (issue 12): a worker's name, evidence, a provider's name
and a curriculum's title, shown on the public verification pages, the certificate, the
claim page and the staff console, always as text."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.curricula.models import Curriculum
from app.providers.models import TrainingProvider
from tests.console.helpers import signed_in
from tests.credentials.factories import issue_body, issuing_setup

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;"


def test_script_in_displayed_fields_is_shown_as_text(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    db.get_one(TrainingProvider, setup.provider_id).name = f"Provider {SCRIPT}"
    db.get_one(Curriculum, setup.curriculum_id).title = f"Course {SCRIPT}"
    db.commit()
    body = issue_body(setup.curriculum_id, name=f"Worker {SCRIPT}")
    body["assessment"]["evidence"][0]["name"] = f"Evidence {SCRIPT}"
    body["assessment"]["evidence"][0]["narrative"] = f"Narrative {SCRIPT}"
    issued = client.post("/api/v1/credentials", headers=setup.provider, json=body)
    assert issued.status_code == 201, issued.text
    credential_id = issued.json()["id"]
    claim_path = issued.json()["claim_url"].removeprefix("http://testserver")

    public_pages = [
        f"/verify/{credential_id}",
        f"/verify/{credential_id}/certificate",
        claim_path,
    ]
    signed_in(client, db, Role.registrar)
    console_pages = [
        f"/console/credentials/{credential_id}",
        "/console/credentials?holder=Worker",
        f"/console/curricula/{setup.curriculum_id}",
        "/console/curricula",
        "/console",
    ]
    shown = 0
    for path in public_pages + console_pages:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert response.headers["content-type"].startswith("text/html"), path
        page = response.text
        assert "<script>alert" not in page, path
        assert "<img src=x" not in page, path
        shown += ESCAPED in page
    assert shown >= 5  # the fields do appear on most pages, escaped
