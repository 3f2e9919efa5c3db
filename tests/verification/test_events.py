"""The mobility metric: one anonymous event per verified credential, never who or which."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.fields import Country
from app.verification.models import VerificationEvent
from tests.credentials.factories import issuing_setup
from tests.verification.factories import ForeignIssuer, issue, verify

EVENT_COLUMNS = {
    "id",
    "standard_code",
    "sector",
    "issuing_country",
    "employer_country",
    "outcome",
    "occurred_at",
}


def _events(db: Session) -> list[VerificationEvent]:
    db.expire_all()
    return list(db.scalars(select(VerificationEvent).order_by(VerificationEvent.id)))


def _values(event: VerificationEvent) -> list[Any]:
    return [getattr(event, column) for column in EVENT_COLUMNS]


def test_each_verification_records_an_anonymous_event(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db, country=Country.ca)
    issued = issue(client, setup)
    before = utcnow()
    verify(client, issued["jwt"], country="MX")

    [event] = _events(db)
    assert event.standard_code == setup.standard.code
    assert event.sector == setup.standard.sector.value
    assert event.issuing_country == "CA"
    assert event.employer_country == "MX"
    assert event.outcome == "verified"
    assert before - timedelta(seconds=1) <= event.occurred_at <= utcnow()
    # The table has no column that could say who or which, and the row names neither.
    assert {column.key for column in inspect(VerificationEvent).columns} == EVENT_COLUMNS
    text = " ".join(str(value) for value in _values(event))
    assert issued["id"] not in text
    assert "María" not in text and "maria" not in text


def test_outcomes_are_recorded(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    issued = issue(client, setup)
    revoke = f"/api/v1/admin/credentials/{issued['id']}/revoke"
    assert client.post(revoke, headers=setup.staff, json={"reason": "error"}).status_code == 200
    verify(client, issued["credential"])
    stranger = ForeignIssuer("stranger.example")
    verify(
        client, stranger.sign(stranger.credential(issued["credential"]), "jwt", app.state.contexts)
    )

    revoked, unknown = _events(db)
    assert (revoked.outcome, revoked.issuing_country) == ("revoked", "MX")
    assert revoked.employer_country is None
    # Nothing from an unverified credential is believed, not even its standard.
    assert (unknown.outcome, unknown.standard_code, unknown.issuing_country) == (
        "unknown-issuer",
        None,
        None,
    )


def test_event_from_accept_language_country(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    issued = issue(client, setup)
    response = client.post(
        "/api/v1/verify", json={"credential": issued["jwt"]}, headers={"Accept-Language": "fr-CA"}
    )
    assert response.status_code == 200
    [event] = _events(db)
    assert event.employer_country == "CA"
