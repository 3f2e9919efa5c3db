"""Verification from the caches, with buffered events, as the service runs in production.

A vc+jwt of ours is answered on the event loop from cached keys, status lists and standards
(`service.verify_body_from_cache`); these tests check it answers exactly what verification
with the database answers, that changes made in this process are seen at once, that other
processes' changes are seen within the caches' bounds, and that buffered events are written
by `flush()` and at shutdown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Executable, func, select, update
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.config import Settings
from app.db import make_sessionmaker
from app.keys.changes import SIGNING_KEYS
from app.keys.models import SigningKey
from app.main import create_app
from app.status.changes import STATUS_LISTS
from app.status.models import StatusList
from app.status.publishing import LIST_TTL_MS
from app.verification import service
from app.verification.caches import OWN_KEYS_SECONDS, ExpiringCache, VerifierCaches
from app.verification.models import VerificationEvent
from tests.credentials.factories import IssuingSetup, issuing_setup
from tests.factories import staff_headers
from tests.verification.factories import ALL_CHECKS, issue

JWT_HEADERS = {"Content-Type": "application/vc+jwt", "Accept-Language": "es-MX"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def buffered_app(settings: Settings, clock: Clock) -> Iterator[FastAPI]:
    """The app with events buffered for a minute (so only `flush()` writes them) and caches
    on a clock the test moves."""
    application = create_app(
        settings.model_copy(update={"verification_event_buffer_seconds": 60.0})
    )
    application.state.verifier_caches = VerifierCaches(
        own_keys=ExpiringCache(SIGNING_KEYS, size=4, clock=clock),
        own_lists=ExpiringCache(STATUS_LISTS, size=16, clock=clock),
    )
    yield application
    application.state.verification_events.close()
    application.state.engine.dispose()


@pytest.fixture
def buffered_client(buffered_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(buffered_app) as test_client:
        yield test_client


@pytest.fixture
def buffered_db(buffered_app: FastAPI) -> Iterator[Session]:
    session: Session = make_sessionmaker(buffered_app.state.engine)()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def from_database(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each verification that needed the database (and a worker thread)."""
    calls: list[str] = []
    verify_body = service.verify_body

    def recording(session: Session, **kwargs: Any) -> service.Report:
        calls.append(kwargs["media_type"])
        return verify_body(session, **kwargs)

    monkeypatch.setattr(service, "verify_body", recording)
    return calls


def _issued(client: TestClient, app: FastAPI, db: Session) -> tuple[IssuingSetup, dict[str, Any]]:
    setup = issuing_setup(client, app, db)
    return setup, issue(client, setup)


def _verify_jwt(client: TestClient, token: str) -> dict[str, Any]:
    response = client.post("/api/v1/verify", content=token, headers=JWT_HEADERS)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    return body


def _events(db: Session) -> list[VerificationEvent]:
    db.expire_all()
    return list(db.scalars(select(VerificationEvent).order_by(VerificationEvent.id)))


def test_a_cached_answer_is_the_database_answer(
    buffered_client: TestClient,
    buffered_app: FastAPI,
    buffered_db: Session,
    from_database: list[str],
) -> None:
    _, issued = _issued(buffered_client, buffered_app, buffered_db)
    # The first verification signs the new lists (a change, so nothing read before is kept);
    # the second reads them once more and keeps them.
    first = _verify_jwt(buffered_client, issued["jwt"])
    _verify_jwt(buffered_client, issued["jwt"])
    warm = len(from_database)

    cached = _verify_jwt(buffered_client, issued["jwt"])

    assert len(from_database) == warm  # from the caches
    assert cached == first
    assert cached["outcome"] == "verified"
    assert cached["recognition"][0]["country"] == "MX"


def test_other_forms_are_verified_with_the_database(
    buffered_client: TestClient,
    buffered_app: FastAPI,
    buffered_db: Session,
    from_database: list[str],
) -> None:
    _, issued = _issued(buffered_client, buffered_app, buffered_db)
    for _ in range(2):
        _verify_jwt(buffered_client, issued["jwt"])
    warm = len(from_database)

    for credential in (issued["jwt"], issued["credential"]):
        response = buffered_client.post("/api/v1/verify", json={"credential": credential})
        assert response.json()["outcome"] == "verified"

    assert from_database[warm:] == ["application/json", "application/json"]


def test_a_body_that_is_not_a_jws_is_refused_on_the_event_loop(
    buffered_client: TestClient, from_database: list[str]
) -> None:
    response = buffered_client.post("/api/v1/verify", content="not.a jws", headers=JWT_HEADERS)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert from_database == []


def test_buffered_events_are_written_by_flush(
    buffered_client: TestClient, buffered_app: FastAPI, buffered_db: Session
) -> None:
    _, issued = _issued(buffered_client, buffered_app, buffered_db)
    for _ in range(3):
        _verify_jwt(buffered_client, issued["jwt"])
    events = buffered_app.state.verification_events

    assert _events(buffered_db) == []
    assert events.pending == 3
    assert events.flush() == 3

    recorded = _events(buffered_db)
    assert [(e.outcome, e.issuing_country, e.employer_country) for e in recorded] == [
        ("verified", "MX", "MX")
    ] * 3
    assert events.pending == 0


def test_buffered_events_are_written_at_shutdown(
    buffered_app: FastAPI, buffered_db: Session
) -> None:
    with TestClient(buffered_app) as client:
        _, issued = _issued(client, buffered_app, buffered_db)
        _verify_jwt(client, issued["jwt"])
        assert buffered_app.state.verification_events.pending == 1
        buffered_db.commit()  # let go of the connection before shutdown disposes of the pool

    assert [event.outcome for event in _events(buffered_db)] == ["verified"]


def test_events_the_database_refuses_are_kept_for_the_next_flush(
    buffered_client: TestClient,
    buffered_app: FastAPI,
    buffered_db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, issued = _issued(buffered_client, buffered_app, buffered_db)
    _verify_jwt(buffered_client, issued["jwt"])
    events = buffered_app.state.verification_events
    sessions = events._sessions

    def unavailable() -> Session:
        raise ConnectionError("database down")

    monkeypatch.setattr(events, "_sessions", unavailable)
    with pytest.raises(ConnectionError):
        events.flush()
    assert events.pending == 1

    monkeypatch.setattr(events, "_sessions", sessions)
    assert events.flush() == 1
    assert len(_events(buffered_db)) == 1


@pytest.mark.parametrize(
    ("action", "outcome", "failed"),
    [("revoke", "revoked", "revocation"), ("suspend", "suspended", "suspension")],
)
def test_a_status_change_here_is_seen_at_once(
    buffered_client: TestClient,
    buffered_app: FastAPI,
    buffered_db: Session,
    action: str,
    outcome: str,
    failed: str,
) -> None:
    setup, issued = _issued(buffered_client, buffered_app, buffered_db)
    assert _verify_jwt(buffered_client, issued["jwt"])["outcome"] == "verified"
    assert _verify_jwt(buffered_client, issued["jwt"])["outcome"] == "verified"
    changed = buffered_client.post(
        f"/api/v1/admin/credentials/{issued['id']}/{action}",
        headers=setup.staff,
        json={"reason": "Audit"},
    )
    assert changed.status_code == 200, changed.text

    body = _verify_jwt(buffered_client, issued["jwt"])

    assert body["outcome"] == outcome
    assert {c["name"]: c["status"] for c in body["checks"]} == {
        **dict.fromkeys(ALL_CHECKS, "passed"),
        failed: "failed",
    }


def test_a_key_retired_here_is_untrusted_at_once(
    buffered_client: TestClient, buffered_app: FastAPI, buffered_db: Session
) -> None:
    _, issued = _issued(buffered_client, buffered_app, buffered_db)
    assert _verify_jwt(buffered_client, issued["jwt"])["outcome"] == "verified"
    admin = staff_headers(buffered_client, buffered_db, Role.admin)
    kid = issued["credential"]["proof"]["verificationMethod"].split("#", 1)[1]
    assert buffered_client.post("/api/v1/admin/keys/rotate", headers=admin).status_code == 201
    retired = buffered_client.post(
        f"/api/v1/admin/keys/{kid}/retire", headers=admin, json={"reason": "compromised"}
    )
    assert retired.status_code == 200, retired.text

    body = _verify_jwt(buffered_client, issued["jwt"])

    assert body["outcome"] == "wrong-key"


def _behind_the_orms_back(db: Session, statement: Executable) -> None:
    """A change as another process makes it: committed, but unseen by this one's ORM events."""
    db.execute(statement)
    db.commit()


def test_another_process_retiring_a_key_is_seen_within_the_bound(
    buffered_client: TestClient, buffered_app: FastAPI, buffered_db: Session, clock: Clock
) -> None:
    _, issued = _issued(buffered_client, buffered_app, buffered_db)
    assert _verify_jwt(buffered_client, issued["jwt"])["outcome"] == "verified"
    _behind_the_orms_back(buffered_db, update(SigningKey).values(status="retired"))

    clock.now += OWN_KEYS_SECONDS - 0.1
    assert _verify_jwt(buffered_client, issued["jwt"])["outcome"] == "verified"
    clock.now += 0.1
    assert _verify_jwt(buffered_client, issued["jwt"])["outcome"] == "wrong-key"


def test_another_process_reinstating_is_seen_within_the_lists_ttl(
    buffered_client: TestClient, buffered_app: FastAPI, buffered_db: Session, clock: Clock
) -> None:
    setup, issued = _issued(buffered_client, buffered_app, buffered_db)
    assert _verify_jwt(buffered_client, issued["jwt"])["outcome"] == "verified"
    unsuspended = {row.id: row.signed_credential for row in buffered_db.scalars(select(StatusList))}
    suspended = buffered_client.post(
        f"/api/v1/admin/credentials/{issued['id']}/suspend",
        headers=setup.staff,
        json={"reason": "Audit"},
    )
    assert suspended.status_code == 200, suspended.text
    assert _verify_jwt(buffered_client, issued["jwt"])["outcome"] == "suspended"
    ttl_seconds = LIST_TTL_MS / 1000
    # Another process reinstates the credential and re-signs its lists.
    for list_id, document in unsuspended.items():
        _behind_the_orms_back(
            buffered_db,
            update(StatusList).where(StatusList.id == list_id).values(signed_credential=document),
        )

    clock.now += ttl_seconds - 0.1
    assert _verify_jwt(buffered_client, issued["jwt"])["outcome"] == "suspended"
    clock.now += 0.1
    assert _verify_jwt(buffered_client, issued["jwt"])["outcome"] == "verified"


def test_the_event_count_matches_the_answers(
    buffered_client: TestClient, buffered_app: FastAPI, buffered_db: Session
) -> None:
    _, issued = _issued(buffered_client, buffered_app, buffered_db)
    for _ in range(5):
        _verify_jwt(buffered_client, issued["jwt"])
    buffered_app.state.verification_events.flush()

    count = buffered_db.scalar(select(func.count()).select_from(VerificationEvent))

    assert count == 5  # no event twice for a verification first tried from the caches
