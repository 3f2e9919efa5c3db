"""Password and client-secret guessing is throttled (issue 12, defect 5): per account, per
address, with backoff, audited, and never locking a real user out for more than a minute."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.auth.throttle import ACCOUNT_MAX_SECONDS, LoginThrottle
from app.config import Settings
from app.main import create_app
from tests.console.helpers import page, sign_in
from tests.factories import PASSWORD, client_credentials, create_provider, create_staff_user
from tests.helpers import assert_problem

TOKEN = "/api/v1/auth/token"


@dataclass
class FakeClock:
    """Monotonic seconds, moved by the test."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def _clock(app: FastAPI) -> FakeClock:
    clock = FakeClock()
    app.state.login_throttle = LoginThrottle(clock=clock)
    return clock


def _password(
    client: TestClient, username: str, password: str, **headers: str
) -> Any:  # an httpx response
    return client.post(
        TOKEN,
        data={"grant_type": "password", "username": username, "password": password},
        headers=headers,
    )


def _throttle_events(db: Session) -> list[dict[str, Any]]:
    db.expire_all()
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "auth.throttled"))
    return [event.summary["after"] for event in events]


def test_guessing_one_account_backs_off_and_refuses_even_the_right_password(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    clock = _clock(app)
    username = create_staff_user(db, Role.registrar)
    for _ in range(4):
        assert _password(client, username, "wrong").status_code == 401
    assert _throttle_events(db) == []
    assert _password(client, username, "wrong").status_code == 401  # the fifth: now it waits

    refused = _password(client, username, PASSWORD)
    problem = assert_problem(refused, 429, "login-throttled")
    assert refused.headers["retry-after"] == str(problem["retry_after"]) == "2"
    [event] = _throttle_events(db)
    assert event["scope"] == "account" and event["failures"] == 5

    clock.now += 2
    assert _password(client, username, "wrong").status_code == 401
    clock.now += 1
    assert _password(client, username, PASSWORD).status_code == 429  # now 4 s: doubled
    clock.now += 3
    assert _password(client, username, PASSWORD).status_code == 200
    # A success clears the account's count.
    assert _password(client, username, "wrong").status_code == 401
    assert _password(client, username, PASSWORD).status_code == 200


def test_an_account_guessed_from_many_addresses_waits_at_most_a_minute(
    settings: Settings, db: Session
) -> None:
    app = create_app(settings.model_copy(update={"trust_forwarded_for": True}))
    try:
        clock = _clock(app)
        with TestClient(app) as client:
            username = create_staff_user(db, Role.registrar)
            waits = []
            for n in range(12):
                address = {"X-Forwarded-For": f"198.51.100.{n}"}
                response = _password(client, username, "wrong", **address)
                if response.status_code == 429:
                    waits.append(int(response.headers["retry-after"]))
                    clock.now += waits[-1]
                    response = _password(client, username, "wrong", **address)
                assert response.status_code == 401, n
            assert waits == [2, 4, 8, 16, 32, 60, 60]
            # The real user, from their own address, waits no more than a minute.
            real = {"X-Forwarded-For": "203.0.113.50"}
            refused = _password(client, username, PASSWORD, **real)
            assert_problem(refused, 429, "login-throttled")
            assert int(refused.headers["retry-after"]) == ACCOUNT_MAX_SECONDS
            clock.now += ACCOUNT_MAX_SECONDS
            assert _password(client, username, PASSWORD, **real).status_code == 200
    finally:
        app.state.engine.dispose()


def test_one_address_guessing_many_accounts_is_stopped(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _clock(app)
    for n in range(10):
        assert _password(client, f"nobody-{n}", "wrong").status_code == 401
    victim = create_staff_user(db, Role.admin)
    assert_problem(_password(client, victim, PASSWORD), 429, "login-throttled")
    assert {event["scope"] for event in _throttle_events(db)} == {"address"}


def test_client_secrets_are_throttled_too(client: TestClient, app: FastAPI, db: Session) -> None:
    _clock(app)
    client_id, secret = client_credentials(db, create_provider(db))
    body = {"grant_type": "client_credentials", "client_id": client_id}
    for _ in range(5):
        assert client.post(TOKEN, data={**body, "client_secret": "wrong"}).status_code == 401
    response = client.post(TOKEN, data={**body, "client_secret": secret})
    assert_problem(response, 429, "login-throttled")


def test_the_console_sign_in_is_throttled(client: TestClient, app: FastAPI, db: Session) -> None:
    clock = _clock(app)
    username = create_staff_user(db, Role.auditor)
    for _ in range(5):
        assert sign_in(client, username, "wrong").status_code == 401
    refused = sign_in(client, username)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "2"
    assert "Too many failed sign-ins" in page(refused, 429).text
    assert "nassc_console=" not in refused.headers.get("set-cookie", "")
    clock.now += 2
    assert sign_in(client, username).status_code == 303
