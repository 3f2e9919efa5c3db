"""`/api/v1/admin/revocation-requests`: staff read the providers' requests and decline one
with a reason over the API, as the console does; the provider then sees the decline on the
portal and may ask again; revoking closes a request as `revoked`."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Role
from tests.conftest import ENGINES
from tests.console.helpers import page
from tests.factories import staff_headers
from tests.helpers import assert_problem
from tests.portal.test_revocation_requests import ask, request_ids, requested

REQUESTS = "/api/v1/admin/revocation-requests"


@pytest.mark.parametrize("migrated_database", ENGINES, indirect=True)
def test_staff_list_and_decline_a_request_over_the_api(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    asked = requested(client, app, db)
    auditor = staff_headers(client, db, Role.auditor)
    [waiting] = client.get(REQUESTS, headers=auditor).json()
    assert (waiting["credential_id"], waiting["reason"]) == (
        asked.credential_id,
        "Issued to the wrong worker.",
    )
    assert (waiting["outcome"], waiting["decided_at"]) == (None, None)
    assert waiting["provider_id"] == asked.setup.provider_id

    decline = f"{REQUESTS}/{waiting['id']}/decline"
    assert_problem(client.post(decline, headers=auditor, json={"reason": "No."}), 403, "forbidden")
    assert_problem(
        client.post(decline, headers=asked.setup.staff, json={}), 422, "validation-error"
    )
    assert client.get(REQUESTS, headers=auditor).json() == [waiting], "nothing changed"

    declined = client.post(
        decline, headers=asked.setup.staff, json={"reason": "The assessment record stands."}
    )
    assert declined.status_code == 200, declined.text
    body = declined.json()
    assert (body["outcome"], body["decision_reason"]) == (
        "declined",
        "The assessment record stands.",
    )
    assert body["decided_by"] and body["decided_at"]
    assert client.get(REQUESTS, headers=auditor).json() == []
    assert [
        one["id"] for one in client.get(f"{REQUESTS}?state=declined", headers=auditor).json()
    ] == [waiting["id"]]
    again = client.post(decline, headers=asked.setup.staff, json={"reason": "Twice."})
    assert_problem(again, 409, "revocation-request-not-open")
    assert_problem(
        client.post(f"{REQUESTS}/999999/decline", headers=asked.setup.staff, json={"reason": "x"}),
        404,
        "revocation-request-not-found",
    )
    events = audit_service.list_events(db, action="credential.revocation-request-decline")
    assert [event.target_id for event in events.items] == [asked.credential_id]

    shown = page(client.get(asked.path))
    assert "The assessment record stands." in shown.text, "the provider reads why"
    ask(client, asked.path, "Issued to the wrong worker, really.")
    assert len(request_ids(db, asked.credential_id)) == 2
    revoked = client.post(
        f"/api/v1/admin/credentials/{asked.credential_id}/revoke",
        headers=asked.setup.staff,
        json={"reason": "Issued to the wrong worker."},
    )
    assert revoked.status_code == 200, revoked.text
    assert client.get(REQUESTS, headers=auditor).json() == []


def test_an_unknown_state_is_a_clear_error(client: TestClient, db: Session) -> None:
    auditor = staff_headers(client, db, Role.auditor)
    assert_problem(client.get(f"{REQUESTS}?state=maybe", headers=auditor), 422, "validation-error")
