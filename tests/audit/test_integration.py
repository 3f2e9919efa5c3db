"""Every state-changing action over the API leaves exactly one audit event per thing it
changed, by the right actor in the right role, on the right target, with the request id
of the request that made the change, and the chain still verifies afterwards.

The actions, and the test that drives each:

- standards: create, update, publish, retire (`test_standards`)
- providers: register, accredit; API clients: create, sign in, rotate, revoke
  (`test_providers_and_their_clients`)
- curricula: submit, reject, revise, approve (`test_curricula`)
- credentials: issue singly and in batches, renew claim links (`test_issuing_singly_and_in_batches`,
  `test_batches_staff_submit_are_issued_in_their_role`); revoke, suspend, reinstate, singly
  and in bulk (`test_status_changes`)
- signing keys: rotate, retire (`test_signing_keys`)
- staff users: sign in, create, change role, reset password, disable, enable
  (`test_staff_users_and_sign_ins`)

Each test sets up what it needs (logins and factories append events of their own), then
drives the actions one request at a time and compares the events each request appended.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.fields import Country
from tests.audit.helpers import events, staff, verify
from tests.credentials.factories import issue_body, issuing_setup
from tests.curricula.factories import complete_curriculum_body
from tests.factories import PASSWORD, ensure_signing_key, password_token
from tests.standards.standard_data import CODE, standard_data

Who = tuple[str, str]
Seen = tuple[str, str, str, str, str | None]
"""An event as compared here: action, actor, actor role, target type, target id."""

ANONYMOUS: Who = ("anonymous", "anonymous")
SYSTEM: Who = ("system", "system")
CONTACT_EMAIL = "laura@centro.example"
WORKER_EMAIL = "maria.lopez@example.com"


class Chain:
    """The audit log as a sequence of steps: `new()` is what was appended since last asked.

    It also watches the client's responses: every event appended since the last step must
    carry the request id (`X-Request-ID`) of one of the responses received since then.
    """

    def __init__(self, db: Session, client: TestClient) -> None:
        self.db = db
        self.seq = db.scalar(select(func.max(AuditEvent.seq))) or 0
        self.request_ids: set[str] = set()
        client.event_hooks["response"].append(self._saw)

    def _saw(self, response: httpx2.Response) -> None:
        self.request_ids.add(response.headers["x-request-id"])

    def events(self) -> list[AuditEvent]:
        """The events appended since the previous call, in chain order."""
        self.db.expire_all()
        found = list(
            self.db.scalars(
                select(AuditEvent).where(AuditEvent.seq > self.seq).order_by(AuditEvent.seq)
            )
        )
        if found:
            self.seq = found[-1].seq
            unexplained = [e.seq for e in found if e.request_id not in self.request_ids]
            assert unexplained == [], "events without the request id of a request just made"
        self.request_ids.clear()
        return found

    def new(self) -> list[Seen]:
        """Like `events`, as comparable tuples."""
        return [as_seen(event) for event in self.events()]


def as_seen(event: AuditEvent) -> Seen:
    return (event.action, event.actor, event.actor_role, event.target_type, event.target_id)


def seen(action: str, who: Who, target_type: str, target_id: str | int | None) -> Seen:
    return (action, who[0], who[1], target_type, None if target_id is None else str(target_id))


def who(client: TestClient, headers: dict[str, str]) -> Who:
    """The audit actor and role behind an access token."""
    me = client.get("/api/v1/auth/me", headers=headers).json()
    return str(me["subject"]), str(me["role"])


def admin_of(client: TestClient, db: Session) -> tuple[dict[str, str], Who]:
    headers, admin_id = staff(client, db, Role.admin)
    return headers, (f"user:{admin_id}", "admin")


def assert_chain_verifies(client: TestClient, headers: dict[str, str], db: Session) -> None:
    report = verify(client, headers)
    assert report["ok"] is True, report
    assert report["first_broken"] is None
    total = db.scalar(select(func.count(AuditEvent.id)))
    assert report["events_checked"] == report["head_seq"] == total


def test_standards(client: TestClient, db: Session) -> None:
    admin, admin_who = admin_of(client, db)
    chain = Chain(db, client)
    draft = {**standard_data(), "status": "draft"}
    url = f"/api/v1/admin/standards/{CODE}/versions/1"
    target = f"{CODE}@1"

    assert client.post("/api/v1/admin/standards", headers=admin, json=draft).status_code == 201
    [event] = chain.events()
    assert as_seen(event) == seen("standard.create", admin_who, "standard", target)
    assert event.summary == {
        "before": None,
        "after": {"code": CODE, "version": 1, "status": "draft"},
    }

    edited = {**draft, "validity_years": 4}
    assert client.put(url, headers=admin, json=edited).status_code == 200
    assert chain.new() == [seen("standard.update", admin_who, "standard", target)]

    assert client.post(f"{url}/publish", headers=admin).status_code == 200
    [event] = chain.events()
    assert as_seen(event) == seen("standard.publish", admin_who, "standard", target)
    assert event.summary == {"before": {"status": "draft"}, "after": {"status": "published"}}

    assert client.post(f"{url}/retire", headers=admin).status_code == 200
    [event] = chain.events()
    assert as_seen(event) == seen("standard.retire", admin_who, "standard", target)
    assert event.summary == {"before": {"status": "published"}, "after": {"status": "retired"}}

    # Refused requests change nothing and record nothing.
    assert client.post(f"{url}/publish", headers=admin).status_code == 409
    assert chain.new() == []
    assert_chain_verifies(client, admin, db)


def test_providers_and_their_clients(client: TestClient, db: Session) -> None:
    admin, admin_who = admin_of(client, db)
    chain = Chain(db, client)
    registered = client.post(
        "/api/v1/providers",
        json={
            "name": "Centro de Capacitación Puebla",
            "country": "MX",
            "region": "Puebla",
            "identifier": "RFC-CCP-010101",
            "contact_name": "Laura Méndez",
            "contact_email": CONTACT_EMAIL,
        },
    )
    assert registered.status_code == 201, registered.text
    provider_id = registered.json()["id"]
    [event] = chain.events()
    assert as_seen(event) == seen("provider.register", ANONYMOUS, "provider", provider_id)
    assert event.summary["after"] == {
        "name": "Centro de Capacitación Puebla",
        "country": "MX",
        "identifier": "RFC-CCP-010101",
        "accreditation_status": "pending",
    }
    assert CONTACT_EMAIL not in json.dumps(event.summary)

    base = f"/api/v1/admin/providers/{provider_id}"
    accredited = client.post(
        f"{base}/accreditation",
        headers=admin,
        json={"status": "accredited", "reason": "Site visit passed"},
    )
    assert accredited.status_code == 200, accredited.text
    [event] = chain.events()
    assert as_seen(event) == seen("provider.accreditation", admin_who, "provider", provider_id)
    assert event.summary == {
        "before": {"accreditation_status": "pending"},
        "after": {"accreditation_status": "accredited", "reason": "Site visit passed"},
    }

    created = client.post(f"{base}/clients", headers=admin, json={"name": "LMS"})
    assert created.status_code == 201, created.text
    client_id, first_secret = created.json()["client_id"], created.json()["client_secret"]
    [event] = chain.events()
    assert as_seen(event) == seen("api-client.create", admin_who, "api_client", client_id)
    assert event.summary["after"] == {"provider_id": provider_id, "name": "LMS"}
    assert first_secret not in json.dumps(event.summary)

    signed_in = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": first_secret,
        },
    )
    assert signed_in.status_code == 200, signed_in.text
    client_who: Who = (f"client:{client_id}", "provider")
    assert chain.new() == [seen("auth.login", client_who, "api_client", client_id)]

    rotated = client.post(f"{base}/clients/{client_id}/rotate", headers=admin)
    assert rotated.status_code == 200, rotated.text
    [event] = chain.events()
    assert as_seen(event) == seen("api-client.rotate-secret", admin_who, "api_client", client_id)
    assert rotated.json()["client_secret"] not in json.dumps(event.summary)

    assert client.post(f"{base}/clients/{client_id}/revoke", headers=admin).status_code == 200
    [event] = chain.events()
    assert as_seen(event) == seen("api-client.revoke", admin_who, "api_client", client_id)
    assert event.summary == {"before": {"is_active": True}, "after": {"is_active": False}}
    assert_chain_verifies(client, admin, db)


def test_curricula(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)  # seeds, and approves a first curriculum
    admin, admin_who = admin_of(client, db)
    provider_who = who(client, setup.provider)
    chain = Chain(db, client)
    body = complete_curriculum_body(setup.standard, Country.mx)

    submitted = client.post("/api/v1/provider/curricula", headers=setup.provider, json=body)
    assert submitted.status_code == 201, submitted.text
    first = submitted.json()["id"]
    [event] = chain.events()
    assert as_seen(event) == seen("curriculum.submit", provider_who, "curriculum", first)
    assert event.summary["after"]["status"] == "submitted"
    assert event.summary["after"]["version"] == 1

    review = "/api/v1/admin/curricula"
    rejected = client.post(
        f"{review}/{first}/reject", headers=admin, json={"reasons": ["Add the site plan."]}
    )
    assert rejected.status_code == 200, rejected.text
    [event] = chain.events()
    assert as_seen(event) == seen("curriculum.reject", admin_who, "curriculum", first)
    assert event.summary == {
        "before": {"status": "submitted"},
        "after": {"status": "rejected", "reasons": ["Add the site plan."]},
    }

    own = f"/api/v1/provider/curricula/{first}"
    assert client.put(own, headers=setup.provider, json=body).status_code == 200
    [event] = chain.events()
    assert as_seen(event) == seen("curriculum.revise", provider_who, "curriculum", first)
    assert event.summary["before"] == {"id": first, "version": 1, "status": "rejected"}

    assert client.post(f"{review}/{first}/approve", headers=admin).status_code == 200
    assert chain.new() == [seen("curriculum.approve", admin_who, "curriculum", first)]

    # Revising an approved curriculum makes a new version: the event names the new one.
    revised = client.put(own, headers=setup.provider, json=body)
    assert revised.status_code == 200, revised.text
    second = revised.json()["id"]
    assert second != first
    [event] = chain.events()
    assert as_seen(event) == seen("curriculum.revise", provider_who, "curriculum", second)
    assert event.summary["before"] == {"id": first, "version": 1, "status": "approved"}
    assert event.summary["after"] == {"id": second, "version": 2, "status": "submitted"}
    assert_chain_verifies(client, admin, db)


def _issued_ids(client: TestClient, headers: dict[str, str], batch_id: str) -> list[str]:
    rows = client.get(
        f"/api/v1/credential-batches/{batch_id}/rows?status=issued", headers=headers
    ).json()["items"]
    return [str(row["credential_id"]) for row in rows]


def test_issuing_singly_and_in_batches(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    admin, _ = admin_of(client, db)
    provider_who = who(client, setup.provider)
    chain = Chain(db, client)

    issue = {**setup.provider, "Idempotency-Key": "cohort-7-worker-1"}
    response = client.post(
        "/api/v1/credentials", headers=issue, json=issue_body(setup.curriculum_id)
    )
    assert response.status_code == 201, response.text
    credential_id = response.json()["id"]
    [event] = chain.events()
    assert as_seen(event) == seen("credential.issue", provider_who, "credential", credential_id)
    assert event.summary["after"]["curriculum_id"] == setup.curriculum_id
    assert event.summary["after"]["provider_id"] == setup.provider_id
    assert event.summary["after"]["key_id"]
    text = json.dumps(event.summary)
    assert WORKER_EMAIL not in text
    assert "María" not in text

    # A replay issues nothing, but renews the claim link, and says so.
    replay = client.post("/api/v1/credentials", headers=issue, json=issue_body(setup.curriculum_id))
    assert replay.headers["idempotent-replay"] == "true"
    assert chain.new() == [
        seen("credential.claim-link-renew", provider_who, "credential", credential_id)
    ]

    emails = ["worker0@example.com", "worker1@example.com", "not-an-email", "worker3@example.com"]
    cohort: list[dict[str, Any]] = [
        {
            "recipient": {"name": f"Worker {n}", "email": email},
            "assessment": {"completed_on": "2026-11-20", "score_percent": 80},
        }
        for n, email in enumerate(emails)  # row 3 does not validate, and is never issued
    ]
    batch = client.post(
        "/api/v1/credential-batches",
        headers=setup.provider,
        json={"curriculum_id": setup.curriculum_id, "rows": cohort},
    )
    assert batch.status_code == 202, batch.text
    batch_id = batch.json()["id"]
    issued = _issued_ids(client, setup.provider, batch_id)
    assert len(issued) == 3
    found = chain.events()
    assert [as_seen(event) for event in found] == [
        seen("credential-batch.create", provider_who, "credential_batch", batch_id),
        *(seen("credential.issue", provider_who, "credential", cid) for cid in issued),
    ]
    assert found[0].summary["after"] == {"total": 4, "failed": 1, "provider_id": setup.provider_id}
    assert [e.summary["after"]["batch_row"] for e in found[1:]] == [1, 2, 4]
    assert {e.summary["after"]["batch_id"] for e in found[1:]} == {batch_id}
    assert "worker0@example.com" not in json.dumps([e.summary for e in found])

    links = client.post(
        f"/api/v1/credential-batches/{batch_id}/claim-links", headers=setup.provider
    )
    assert links.status_code == 200
    assert chain.new() == [
        seen("credential.claim-link-renew", provider_who, "credential", cid) for cid in issued
    ]
    assert_chain_verifies(client, admin, db)


def test_batches_staff_submit_are_issued_in_their_role(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup = issuing_setup(client, app, db)
    admin, admin_who = admin_of(client, db)
    registrar, registrar_id = staff(client, db, Role.registrar)
    registrar_who: Who = (f"user:{registrar_id}", "registrar")
    chain = Chain(db, client)
    cohort = [
        {
            "recipient": {"name": "Worker", "email": "worker@example.com"},
            "assessment": {"completed_on": "2026-11-20", "score_percent": 80},
        }
    ]
    for headers, submitter in ((admin, admin_who), (registrar, registrar_who)):
        batch = client.post(
            "/api/v1/credential-batches",
            headers=headers,
            json={"curriculum_id": setup.curriculum_id, "rows": cohort},
        )
        assert batch.status_code == 202, batch.text
        batch_id = batch.json()["id"]
        [issued] = _issued_ids(client, headers, batch_id)
        # The runner issues after the response, for the submitter: the events name them in
        # the role they submitted with.
        assert chain.new() == [
            seen("credential-batch.create", submitter, "credential_batch", batch_id),
            seen("credential.issue", submitter, "credential", issued),
        ]
    assert_chain_verifies(client, admin, db)


def test_status_changes(client: TestClient, app: FastAPI, db: Session) -> None:
    setup = issuing_setup(client, app, db)
    admin, admin_who = admin_of(client, db)
    ids = []
    for n in range(4):
        body = issue_body(setup.curriculum_id, name=f"Worker {n}")
        response = client.post("/api/v1/credentials", headers=setup.provider, json=body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    first, second, third, fourth = ids
    chain = Chain(db, client)
    admin_api = "/api/v1/admin/credentials"

    def post(path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = client.post(f"{admin_api}/{path}", headers=admin, json=body)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    post(f"{first}/revoke", {"reason": "Assessment fraud"})
    [event] = chain.events()
    assert as_seen(event) == seen("credential.revoke", admin_who, "credential", first)
    assert event.summary == {
        "before": {"status": "active"},
        "after": {"status": "revoked", "reason": "Assessment fraud"},
    }

    post(f"{second}/suspend", {"reason": "Under review"})
    assert chain.new() == [seen("credential.suspend", admin_who, "credential", second)]

    post(f"{second}/reinstate")
    [event] = chain.events()
    assert as_seen(event) == seen("credential.reinstate", admin_who, "credential", second)
    assert event.summary == {
        "before": {"status": "suspended"},
        "after": {"status": "active", "reason": None},
    }

    # In bulk, one event per credential changed; the revoked one is skipped and has none.
    result = post(
        "status-changes",
        {"action": "suspend", "reason": "Audit", "credential_ids": [first, second, third, fourth]},
    )
    assert sorted(result["changed"]) == sorted([second, third, fourth])
    assert [skipped["id"] for skipped in result["skipped"]] == [first]
    assert chain.new() == [
        seen("credential.suspend", admin_who, "credential", cid)
        for cid in sorted([second, third, fourth])
    ]

    # A change that applies to nothing records nothing.
    result = post("status-changes", {"action": "reinstate", "credential_ids": [first]})
    assert result["changed"] == []
    assert chain.new() == []
    assert_chain_verifies(client, admin, db)


def test_signing_keys(client: TestClient, app: FastAPI, db: Session) -> None:
    first = ensure_signing_key(app, db)
    [created] = events(db, action="key.create")
    assert as_seen(created) == seen("key.create", SYSTEM, "signing_key", first)
    admin, admin_who = admin_of(client, db)
    chain = Chain(db, client)

    rotated = client.post("/api/v1/admin/keys/rotate", headers=admin)
    assert rotated.status_code == 201, rotated.text
    second = rotated.json()["kid"]
    [event] = chain.events()
    assert as_seen(event) == seen("key.rotate", admin_who, "signing_key", second)
    assert event.summary == {
        "before": None,
        "after": {
            "status": "active",
            "algorithm": "EdDSA",
            "purpose": "assertion",
            "replaces": [first],
        },
    }

    retired = client.post(
        f"/api/v1/admin/keys/{first}/retire", headers=admin, json={"reason": "compromised"}
    )
    assert retired.status_code == 200, retired.text
    [event] = chain.events()
    assert as_seen(event) == seen("key.retire", admin_who, "signing_key", first)
    assert event.summary == {
        "before": {"status": "published"},
        "after": {"status": "retired", "reason": "compromised"},
    }

    # Retiring the active key is refused, and records nothing.
    assert (
        client.post(
            f"/api/v1/admin/keys/{second}/retire", headers=admin, json={"reason": "test"}
        ).status_code
        == 409
    )
    assert chain.new() == []
    assert_chain_verifies(client, admin, db)


def test_staff_users_and_sign_ins(client: TestClient, db: Session) -> None:
    admin, admin_who = admin_of(client, db)
    chain = Chain(db, client)
    users = "/api/v1/admin/users"

    created = client.post(
        users,
        headers=admin,
        json={"username": "registrar.rosa", "password": PASSWORD, "role": "registrar"},
    )
    assert created.status_code == 201, created.text
    user = created.json()["id"]
    assert chain.new() == [seen("user.create", admin_who, "staff_user", user)]

    assert password_token(client, "registrar.rosa")
    assert chain.new() == [seen("auth.login", (f"user:{user}", "registrar"), "staff_user", user)]

    changed = client.patch(f"{users}/{user}", headers=admin, json={"role": "auditor"})
    assert changed.status_code == 200, changed.text
    assert chain.new() == [seen("user.change-role", admin_who, "staff_user", user)]

    reset = client.post(f"{users}/{user}/reset-password", headers=admin)
    assert reset.status_code == 200, reset.text
    [event] = chain.events()
    assert as_seen(event) == seen("user.reset-password", admin_who, "staff_user", user)
    assert reset.json()["generated_password"] not in json.dumps(event.summary)

    assert client.post(f"{users}/{user}/disable", headers=admin).status_code == 200
    assert chain.new() == [seen("user.disable", admin_who, "staff_user", user)]

    assert client.post(f"{users}/{user}/enable", headers=admin).status_code == 200
    assert chain.new() == [seen("user.enable", admin_who, "staff_user", user)]
    assert_chain_verifies(client, admin, db)
