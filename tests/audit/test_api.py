"""`GET /api/v1/admin/audit`: filters, pagination newest first, and who may read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Role
from tests.audit.helpers import AUDIT, USERS, append, events, staff
from tests.factories import create_provider, provider_headers
from tests.helpers import assert_problem

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def page(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(AUDIT, headers=headers, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def test_events_are_listed_newest_first_with_every_field(client: TestClient, db: Session) -> None:
    headers, reader_id = staff(client, db, Role.auditor)
    body = page(client, headers)
    assert body["total"] == 2
    login, create = body["items"]
    assert (login["seq"], login["action"], create["action"]) == (2, "auth.login", "user.create")
    assert login["prev_hash"] == create["hash"]
    assert create["prev_hash"] == "0" * 64
    assert set(login) == {
        "id",
        "seq",
        "occurred_at",
        "actor",
        "actor_role",
        "action",
        "target_type",
        "target_id",
        "summary",
        "request_id",
        "prev_hash",
        "hash",
    }
    assert (login["actor"], login["target_id"]) == (f"user:{reader_id}", str(reader_id))
    assert login["occurred_at"].endswith("Z") or login["occurred_at"].endswith("+00:00")


def test_pagination(client: TestClient, db: Session) -> None:
    headers, _ = staff(client, db, Role.admin)
    append(db, 23)
    first = page(client, headers, per_page=10)
    third = page(client, headers, per_page=10, page=3)
    assert (first["total"], first["page"], first["per_page"]) == (25, 1, 10)
    assert [item["seq"] for item in first["items"]] == list(range(25, 15, -1))
    assert [item["seq"] for item in third["items"]] == [5, 4, 3, 2, 1]
    assert page(client, headers, per_page=10, page=4)["items"] == []
    assert_problem(
        client.get(AUDIT, headers=headers, params={"per_page": 500}), 422, "validation-error"
    )
    assert_problem(client.get(AUDIT, headers=headers, params={"page": 0}), 422, "validation-error")


def test_filters(client: TestClient, db: Session) -> None:
    headers, admin_id = staff(client, db, Role.admin)
    created = client.post(
        USERS,
        headers=headers,
        json={"username": "reg.one", "password": "p" * 12, "role": "registrar"},
    ).json()
    client.post(f"{USERS}/{created['id']}/disable", headers=headers)
    for offset in range(3):
        audit_service.record(
            db,
            actor=None,
            actor_override=("tester", "system"),
            action="test.dated",
            target_type="thing",
            target_id=f"t{offset}",
            now=START + timedelta(days=offset),
        )
    db.commit()

    def actions(**params: Any) -> list[str]:
        return [item["action"] for item in page(client, headers, **params)["items"]]

    assert actions(actor=f"user:{admin_id}") == ["user.disable", "user.create", "auth.login"]
    assert actions(action="user.disable") == ["user.disable"]
    assert actions(target_type="staff_user", target_id=str(created["id"])) == [
        "user.disable",
        "user.create",
    ]
    assert actions(actor="tester", **{"from": START.isoformat(), "to": "2026-03-03T12:00:00Z"}) == [
        "test.dated",
        "test.dated",
    ]
    assert actions(**{"from": "2026-03-03T12:00:00+00:00", "to": "2026-03-04T00:00:00Z"}) == [
        "test.dated"
    ]
    assert page(client, headers, actor="nobody")["total"] == 0
    assert_problem(
        client.get(AUDIT, headers=headers, params={"from": "yesterday"}), 422, "validation-error"
    )


@pytest.mark.parametrize("role", [Role.admin, Role.auditor])
def test_admins_and_auditors_read_the_log(client: TestClient, db: Session, role: Role) -> None:
    headers, _ = staff(client, db, role)
    assert client.get(AUDIT, headers=headers).status_code == 200
    assert client.get(f"{AUDIT}/verify", headers=headers).json()["ok"] is True


def test_registrars_providers_and_strangers_do_not(client: TestClient, db: Session) -> None:
    registrar, _ = staff(client, db, Role.registrar)
    provider = provider_headers(client, db, create_provider(db))
    for path in (AUDIT, f"{AUDIT}/verify"):
        assert_problem(client.get(path, headers=registrar), 403, "forbidden")
        assert_problem(client.get(path, headers=provider), 403, "forbidden")
        assert_problem(client.get(path), 401, "unauthorized")


def test_reading_the_log_is_not_itself_an_event(client: TestClient, db: Session) -> None:
    headers, _ = staff(client, db, Role.auditor)
    before = len(events(db))
    page(client, headers)
    client.get(f"{AUDIT}/verify", headers=headers)
    assert len(events(db)) == before
