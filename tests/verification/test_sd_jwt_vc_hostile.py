"""Hostile SD-JWT VCs at every verify endpoint: `POST /api/v1/verify`, `POST /credentials/verify`
(W3C VC API) and the `/verify` page.

Each hostile variant is made from a real wallet copy (issued over OpenID4VCI): an edited
disclosure, a disclosure no digest references, a `vct` that is not the credential's, a
revoked credential (Token Status List), and Key Binding JWTs for another audience, with
another nonce or too old for the verifier that asked. Each is refused with its reason
named, and nothing is written but the anonymous verification event of the refusal.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import PROBLEM_BASE
from app.verification.checks import Code, problem_type
from app.verification.models import VerificationEvent
from tests.helpers import assert_problem, row_counts
from tests.verification.factories import VERIFY
from tests.verification.sd_jwt_factories import (
    AUDIENCE,
    NONCE,
    Held,
    bound,
    checks,
    resigned,
    wallet_credential,
    with_added_disclosure,
    with_edited_disclosure,
)
from tests.web.helpers import assert_page

VC_API = "/credentials/verify"
ADMIN = "/api/v1/admin/credentials"


def _rows(db: Session) -> dict[str, int]:
    """Rows per table, but the anonymous verification events (counted apart)."""
    return row_counts(db, excluding=(VerificationEvent.__tablename__,))


def _events(db: Session) -> list[VerificationEvent]:
    db.expire_all()
    return list(db.scalars(select(VerificationEvent).order_by(VerificationEvent.id)))


@dataclass(frozen=True)
class Hostile:
    """A hostile variant of a wallet copy, and how every endpoint must answer it."""

    make: Callable[[TestClient, FastAPI, Session, Held], str]
    outcome: str
    check: str
    code: str
    detail: str
    verdict: str = ""
    """The page's `data-verdict`, when it names the outcome otherwise."""


def _edited(client: TestClient, app: FastAPI, db: Session, held: Held) -> str:
    return bound(with_edited_disclosure(held.serialized, "score", 100), held.holder)


def _added(client: TestClient, app: FastAPI, db: Session, held: Held) -> str:
    return with_added_disclosure(held.serialized)


def _no_such_standard(client: TestClient, app: FastAPI, db: Session, held: Held) -> str:
    change = lambda claims: claims.update(vct="http://testserver/vct/NO-SUCH-STANDARD")  # noqa: E731
    return bound(resigned(app, db, held.serialized, change, disclose=("score",)), held.holder)


def _another_standards_vct(client: TestClient, app: FastAPI, db: Session, held: Held) -> str:
    def change(claims: dict[str, Any]) -> None:
        claims["achievement"] = {**claims["achievement"], "code": "OTHER-STANDARD"}

    return bound(resigned(app, db, held.serialized, change, disclose=("score",)), held.holder)


def _revoked(client: TestClient, app: FastAPI, db: Session, held: Held) -> str:
    revoked = client.post(
        f"{ADMIN}/{held.credential.id}/revoke", headers=held.setup.staff, json={"reason": "Fraud"}
    )
    assert revoked.status_code == 200, revoked.text
    return bound(held.serialized, held.holder)


HOSTILE = {
    "edited disclosure": Hostile(
        _edited, "tampered", "proof", "disclosure-mismatch", "do not match the signed"
    ),
    "added disclosure": Hostile(
        _added, "tampered", "proof", "disclosure-mismatch", "referenced by no digest"
    ),
    "vct of no standard": Hostile(
        _no_such_standard,
        "invalid",
        "schema",
        "nonconformant",
        "which NASSC does not have",
        "not-verified",
    ),
    "vct of another standard": Hostile(
        _another_standards_vct,
        "invalid",
        "schema",
        "nonconformant",
        "but the credential is for 'OTHER-STANDARD'",
        "not-verified",
    ),
    "revoked (Token Status List)": Hostile(_revoked, "revoked", "revocation", "revoked", "revoked"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_endpoint_refuses_a_hostile_sd_jwt_vc_and_writes_nothing(
    client: TestClient, app: FastAPI, db: Session, name: str
) -> None:
    hostile = HOSTILE[name]
    held = wallet_credential(client, app, db)
    presented = hostile.make(client, app, db, held)
    before, events_before = _rows(db), len(_events(db))

    api = client.post(VERIFY, json={"credential": presented})
    assert api.status_code == 200, api.text
    body = api.json()
    assert (body["verified"], body["outcome"]) == (False, hostile.outcome)
    assert checks(body)[hostile.check] == ("failed", hostile.code)
    [failed] = [check for check in body["checks"] if check["name"] == hostile.check]
    assert hostile.detail in failed["detail"]

    vc_api = client.post(VC_API, json={"verifiableCredential": presented})
    assert vc_api.status_code == 400, vc_api.text
    answer = vc_api.json()
    assert answer["verified"] is False
    type_url, _ = problem_type(Code(hostile.code))
    assert type_url in [error["type"] for error in answer["errors"]]

    page = assert_page(client.post("/verify?lang=es", data={"credential": presented}))
    verdict = next(node for node in page.walk() if "data-verdict" in node.attrs)
    assert verdict.attrs["data-verdict"] == (hostile.verdict or hostile.outcome)
    if hostile.outcome == "tampered":
        assert not page.find_all("section", class_="disclosure")

    assert _rows(db) == before
    written = _events(db)[events_before:]
    assert [event.outcome for event in written] == [hostile.outcome] * 3


@pytest.mark.parametrize(
    ("presented_for", "detail"),
    [
        ({"audience": "https://other.example"}, "another audience"),
        ({"nonce": "replayed"}, "nonce"),
        ({"issued_at": int(time.time()) - 3600}, "too old"),
    ],
)
def test_a_key_binding_not_for_the_verifier_that_asked_is_refused(
    client: TestClient, app: FastAPI, db: Session, presented_for: dict[str, Any], detail: str
) -> None:
    held = wallet_credential(client, app, db)
    presented = bound(held.serialized, held.holder, **presented_for)
    before, events_before = _rows(db), len(_events(db))

    asked = {"challenge": NONCE, "domain": AUDIENCE}
    api = client.post(VERIFY, json={"credential": presented, **asked})
    assert api.status_code == 200, api.text
    body = api.json()
    assert (body["verified"], body["outcome"]) == (False, "invalid")
    assert checks(body)["proof"] == ("failed", "key-binding-failed")
    [proof] = [check for check in body["checks"] if check["name"] == "proof"]
    assert detail in proof["detail"]

    vc_api = client.post(VC_API, json={"verifiableCredential": presented, "options": asked})
    assert vc_api.status_code == 400, vc_api.text
    types = [error["type"] for error in vc_api.json()["errors"]]
    assert types[0] == PROBLEM_BASE + "verification/key-binding-failed"

    assert _rows(db) == before
    assert [event.outcome for event in _events(db)[events_before:]] == ["invalid"] * 2


def test_a_verifier_that_asks_gets_its_key_binding_checked_and_accepted(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    held = wallet_credential(client, app, db)
    presented = bound(held.serialized, held.holder)
    asked = {"challenge": NONCE, "domain": AUDIENCE}
    body = client.post(VERIFY, json={"credential": presented, **asked}).json()
    assert body["verified"] is True, body
    [proof] = [check for check in body["checks"] if check["name"] == "proof"]
    assert "for this verifier's audience and nonce, and fresh" in proof["detail"]
    answer = client.post(VC_API, json={"verifiableCredential": presented, "options": asked})
    assert answer.status_code == 200, answer.text
    # Asking makes key binding required: the wallet copy alone is refused.
    alone = client.post(VERIFY, json={"credential": held.serialized, **asked}).json()
    assert checks(alone)["proof"] == ("failed", "key-binding-failed")
    # Without asking, the KB-JWT's signature and sd_hash are checked, its audience only named.
    unasked = client.post(VERIFY, json={"credential": presented}).json()
    [proof] = [check for check in unasked["checks"] if check["name"] == "proof"]
    assert "its audience and nonce were not asked for" in proof["detail"]


def test_what_is_asked_must_be_strings(client: TestClient, app: FastAPI, db: Session) -> None:
    held = wallet_credential(client, app, db)
    for asked in ({"challenge": 7}, {"domain": ""}, {"domain": ["a"]}):
        response = client.post(VERIFY, json={"credential": held.serialized, **asked})
        assert_problem(response, 400, "unverifiable-input")
