"""A batch's credentials delivered as wallet offers instead of (or besides) claim links.

The provider asks once for the whole cohort and gets one offer per issued row, shaped as the
claim links are; each offer takes its worker's wallet through the usual flow, PINs are
per row, rows of revoked credentials are left out, and the claim links keep working.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.roles import Role
from tests.credentials.factories import BATCHES, IssuingSetup, issuing_setup, rows
from tests.factories import staff_headers
from tests.helpers import assert_problem
from tests.wallet.test_openid4vci import LDP_VC, Wallet, _oauth_error


def _batch(client: TestClient, app: FastAPI, db: Session) -> tuple[IssuingSetup, str, list[str]]:
    setup = issuing_setup(client, app, db)
    cohort = rows(4)
    cohort[2]["recipient"]["email"] = "not-an-email"
    made = client.post(
        BATCHES, headers=setup.provider, json={"curriculum_id": setup.curriculum_id, "rows": cohort}
    )
    assert made.status_code == 202, made.text
    batch_id = made.json()["id"]
    issued = client.get(f"{BATCHES}/{batch_id}/rows?status=issued", headers=setup.provider)
    return setup, batch_id, [row["credential_id"] for row in issued.json()["items"]]


def test_each_issued_row_gets_an_offer_with_its_own_pin(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, batch_id, credential_ids = _batch(client, app, db)
    provider = setup.provider
    links = client.post(f"{BATCHES}/{batch_id}/claim-links", headers=provider)
    assert links.status_code == 200, links.text
    response = client.post(
        f"{BATCHES}/{batch_id}/wallet-offers", headers=provider, json={"tx_code": True}
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    offered = response.json()
    assert [item["row"] for item in offered] == [1, 2, 4]
    assert [item["credential_id"] for item in offered] == credential_ids
    assert [link["row"] for link in links.json()] == [1, 2, 4]
    pins = [item["tx_code"] for item in offered]
    assert all(len(pin) == 6 and pin.isdigit() for pin in pins)
    assert len({item["id"] for item in offered}) == 3
    sd_jwt = f"{setup.standard.code}_dc+sd-jwt"
    assert all(item["configuration_ids"][0] == sd_jwt for item in offered)

    # Each worker's wallet redeems its own offer with its own PIN, and not another's.
    wallet = Wallet(client)
    first, second = (wallet.read_offer(item["offer_link"]) for item in offered[:2])
    wrong = pins[1] if pins[1] != pins[0] else "000000" if pins[0] != "000000" else "111111"
    _oauth_error(wallet.token(first, wrong), 400, "invalid_grant")
    token = wallet.token(first, pins[0])
    assert token.status_code == 200, token.text
    got = wallet.credential(token.json()["access_token"], {"credential_configuration_id": LDP_VC})
    assert got.status_code == 200, got.text
    assert got.json()["credentials"][0]["credential"]["id"].endswith(credential_ids[0])
    assert wallet.token(second, pins[1]).status_code == 200

    # The claim links were left alone: the first still opens its claim page.
    claim = links.json()[0]["claim_url"].removeprefix("http://testserver")
    assert client.get(claim).status_code == 200

    # One audit event per offer, naming the offer, never its PIN.
    db.expire_all()
    events = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "credential.wallet-offer")
    )
    assert events == 3
    audit = client.get(
        "/api/v1/admin/audit",
        headers=staff_headers(client, db, Role.auditor),
        params={"action": "credential.wallet-offer"},
    )
    assert all(pin not in audit.text for pin in pins)


def test_revoked_rows_get_no_offer_and_other_providers_no_batch(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    setup, batch_id, credential_ids = _batch(client, app, db)
    revoked = client.post(
        f"/api/v1/admin/credentials/{credential_ids[1]}/revoke",
        headers=setup.staff,
        json={"reason": "Fraud"},
    )
    assert revoked.status_code == 200, revoked.text
    offered = client.post(
        f"{BATCHES}/{batch_id}/wallet-offers",
        headers=setup.provider,
        json={},
    )
    assert offered.status_code == 201, offered.text
    assert [item["credential_id"] for item in offered.json()] == [
        credential_ids[0],
        credential_ids[2],
    ]
    assert all(item["tx_code"] is None for item in offered.json())

    other = issuing_setup(client, app, db, index=1)
    refused = client.post(f"{BATCHES}/{batch_id}/wallet-offers", headers=other.provider, json={})
    assert_problem(refused, 404, "batch-not-found")
    too_short = client.post(
        f"{BATCHES}/{batch_id}/wallet-offers",
        headers=setup.provider,
        json={"expires_in_minutes": 1},
    )
    assert_problem(too_short, 422, "validation-error")
