"""OpenID4VCI pre-authorized code flow, driven by a wallet simulator over HTTP (both engines).

The wallet reads the offer link, the issuer's and authorization server's metadata, trades the
pre-authorized code (and PIN) for an access token, and fetches the credential in each
offered format; every refusal is the spec's JSON error and changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.db import utcnow
from app.wallet.models import CredentialOffer
from tests.credentials.factories import IssuingSetup, issue_body, issuing_setup
from tests.factories import staff_headers
from tests.helpers import assert_problem

GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
LDP_VC = "OpenBadgeCredential_ldp_vc"
JWT_VC_JSON = "OpenBadgeCredential_jwt_vc_json"


@dataclass
class Offered:
    setup: IssuingSetup
    credential_id: str
    offer: dict[str, Any]


def _offer(client: TestClient, app: FastAPI, db: Session, *, tx_code: bool = False) -> Offered:
    setup = issuing_setup(client, app, db)
    issued = client.post(
        "/api/v1/credentials", headers=setup.provider, json=issue_body(setup.curriculum_id)
    )
    assert issued.status_code == 201, issued.text
    credential_id = issued.json()["id"]
    made = client.post(
        f"/api/v1/credentials/{credential_id}/wallet-offers",
        headers=setup.provider,
        json={"tx_code": tx_code},
    )
    assert made.status_code == 201, made.text
    return Offered(setup=setup, credential_id=credential_id, offer=made.json())


class Wallet:
    """A wallet as the spec describes one: it follows links and metadata, nothing else."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def read_offer(self, link: str) -> dict[str, Any]:
        query = parse_qs(urlsplit(link).query)
        if "credential_offer" in query:
            return dict(json.loads(query["credential_offer"][0]))
        response = self.client.get(urlsplit(query["credential_offer_uri"][0]).path)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def token(self, offer: dict[str, Any], tx_code: str | None = None) -> Any:
        issuer = self.client.get("/.well-known/oauth-authorization-server").json()
        form = {
            "grant_type": GRANT,
            "pre-authorized_code": offer["grants"][GRANT]["pre-authorized_code"],
        }
        if tx_code is not None:
            form["tx_code"] = tx_code
        return self.client.post(urlsplit(issuer["token_endpoint"]).path, data=form)

    def credential(self, access_token: str, body: dict[str, Any]) -> Any:
        metadata = self.client.get("/.well-known/openid-credential-issuer").json()
        return self.client.post(
            urlsplit(metadata["credential_endpoint"]).path,
            json=body,
            headers={"Authorization": f"Bearer {access_token}"},
        )


def _oauth_error(response: Any, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"] == error
    assert response.headers["cache-control"] == "no-store"


def test_metadata_names_the_endpoints_the_formats_and_three_languages(
    client: TestClient,
) -> None:
    issuer = client.get("/.well-known/openid-credential-issuer")
    assert issuer.status_code == 200
    assert issuer.headers["access-control-allow-origin"] == "*"
    document = issuer.json()
    assert document["credential_issuer"] == "http://testserver"
    assert document["credential_endpoint"] == "http://testserver/openid4vci/credential"
    assert document["nonce_endpoint"] == "http://testserver/openid4vci/nonce"
    configurations = document["credential_configurations_supported"]
    assert document["batch_credential_issuance"] == {"batch_size": 5}
    assert configurations[LDP_VC]["format"] == "ldp_vc"
    assert configurations[JWT_VC_JSON]["format"] == "jwt_vc_json"
    for configuration in configurations.values():
        locales = {item["locale"] for item in configuration["credential_metadata"]["display"]}
        assert locales == {"en", "es-MX", "fr-CA"}
    assert {item["locale"] for item in document["display"]} == {"en", "es-MX", "fr-CA"}
    server = client.get("/.well-known/oauth-authorization-server").json()
    assert server["issuer"] == "http://testserver"
    assert server["token_endpoint"] == "http://testserver/openid4vci/token"
    assert server["pre-authorized_grant_anonymous_access_supported"] is True


def test_a_wallet_receives_the_credential_in_both_forms(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    offered = _offer(client, app, db)
    wallet = Wallet(client)
    offer = wallet.read_offer(offered.offer["offer_link"])
    assert offer == wallet.read_offer(offered.offer["offer_by_value_link"])
    assert offer["credential_issuer"] == "http://testserver"
    sd_jwt = f"{offered.setup.standard.code}_dc+sd-jwt"
    assert offer["credential_configuration_ids"] == [sd_jwt, LDP_VC, JWT_VC_JSON]
    assert "tx_code" not in offer["grants"][GRANT]

    granted = wallet.token(offer)
    assert granted.status_code == 200, granted.text
    assert granted.headers["cache-control"] == "no-store"
    token = granted.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 600

    stored = client.get(
        f"/api/v1/credentials/{offered.credential_id}", headers=offered.setup.provider
    ).json()
    ldp = wallet.credential(token["access_token"], {"credential_configuration_id": LDP_VC})
    assert ldp.status_code == 200, ldp.text
    document = ldp.json()["credentials"][0]["credential"]
    assert document == stored["credential"]
    verified = client.post("/api/v1/verify", json={"credential": document})
    assert verified.json()["verified"] is True
    jwt = wallet.credential(token["access_token"], {"credential_configuration_id": JWT_VC_JSON})
    assert jwt.status_code == 200, jwt.text
    assert jwt.json()["credentials"][0]["credential"] == stored["jwt"]


def test_the_pre_authorized_code_is_single_use(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    offered = _offer(client, app, db)
    wallet = Wallet(client)
    offer = wallet.read_offer(offered.offer["offer_link"])
    assert wallet.token(offer).status_code == 200
    _oauth_error(wallet.token(offer), 400, "invalid_grant")
    # A redeemed offer is no longer served by reference either.
    gone = client.get(urlsplit(offered.offer["credential_offer_uri"]).path)
    _oauth_error(gone, 404, "invalid_request")


def test_an_expired_offer_gives_no_token(client: TestClient, app: FastAPI, db: Session) -> None:
    offered = _offer(client, app, db)
    offer = Wallet(client).read_offer(offered.offer["offer_by_value_link"])
    row = db.get(CredentialOffer, offered.offer["id"])
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    _oauth_error(Wallet(client).token(offer), 400, "invalid_grant")


def test_a_pin_protected_offer_needs_its_pin_and_counts_wrong_ones(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    offered = _offer(client, app, db, tx_code=True)
    pin = offered.offer["tx_code"]
    assert isinstance(pin, str) and len(pin) == 6 and pin.isdigit()
    wallet = Wallet(client)
    offer = wallet.read_offer(offered.offer["offer_link"])
    assert offer["grants"][GRANT]["tx_code"] == {
        "input_mode": "numeric",
        "length": 6,
        "description": offer["grants"][GRANT]["tx_code"]["description"],
    }
    _oauth_error(wallet.token(offer), 400, "invalid_request")
    wrong = "000000" if pin != "000000" else "111111"
    for _ in range(5):
        _oauth_error(wallet.token(offer, wrong), 400, "invalid_grant")
    db.expire_all()
    assert db.scalar(select(CredentialOffer.failed_tx_codes)) == 5
    # After five wrong PINs the offer is dead, even for the right one.
    _oauth_error(wallet.token(offer, pin), 400, "invalid_grant")


def test_the_right_pin_gives_a_token(client: TestClient, app: FastAPI, db: Session) -> None:
    offered = _offer(client, app, db, tx_code=True)
    wallet = Wallet(client)
    offer = wallet.read_offer(offered.offer["offer_link"])
    assert wallet.token(offer, offered.offer["tx_code"]).status_code == 200


def test_the_credential_endpoint_refuses_as_the_spec_says(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    offered = _offer(client, app, db)
    wallet = Wallet(client)
    token = wallet.token(wallet.read_offer(offered.offer["offer_link"])).json()["access_token"]

    missing = client.post("/openid4vci/credential", json={"credential_configuration_id": LDP_VC})
    _oauth_error(missing, 401, "invalid_token")
    assert missing.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    _oauth_error(
        wallet.credential("not-a-token", {"credential_configuration_id": LDP_VC}),
        401,
        "invalid_token",
    )
    _oauth_error(
        wallet.credential(token, {"credential_configuration_id": "mdoc"}),
        400,
        "unknown_credential_configuration",
    )
    _oauth_error(
        wallet.credential(token, {"credential_identifier": "x"}),
        400,
        "unknown_credential_identifier",
    )
    revoked = client.post(
        f"/api/v1/admin/credentials/{offered.credential_id}/revoke",
        headers=offered.setup.staff,
        json={"reason": "Assessment fraud"},
    )
    assert revoked.status_code == 200, revoked.text
    _oauth_error(
        wallet.credential(token, {"credential_configuration_id": LDP_VC}),
        400,
        "credential_request_denied",
    )


def test_only_a_credential_valid_now_is_offered(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    offered = _offer(client, app, db)
    suspended = client.post(
        f"/api/v1/admin/credentials/{offered.credential_id}/suspend",
        headers=offered.setup.staff,
        json={"reason": "Under review"},
    )
    assert suspended.status_code == 200, suspended.text
    refused = client.post(
        f"/api/v1/credentials/{offered.credential_id}/wallet-offers",
        headers=offered.setup.provider,
        json={},
    )
    assert_problem(refused, 409, "credential-not-offerable")
    too_long = client.post(
        f"/api/v1/credentials/{offered.credential_id}/wallet-offers",
        headers=offered.setup.provider,
        json={"expires_in_minutes": 60 * 24 * 31},
    )
    assert_problem(too_long, 422, "validation-error")


def test_an_offer_is_audited_without_its_secrets(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    offered = _offer(client, app, db, tx_code=True)
    events = client.get(
        "/api/v1/admin/audit",
        headers=staff_headers(client, db, Role.auditor),
        params={"action": "credential.wallet-offer"},
    )
    assert events.status_code == 200, events.text
    [event] = events.json()["items"]
    assert event["target_id"] == offered.credential_id
    assert event["summary"]["after"]["offer"] == offered.offer["id"]
    assert event["summary"]["after"]["tx_code"] is True
    text = events.text
    assert offered.offer["tx_code"] not in text
    code = Wallet(client).read_offer(offered.offer["offer_link"])["grants"][GRANT]
    assert code["pre-authorized_code"] not in text


def test_the_nonce_endpoint_gives_fresh_uncached_nonces(client: TestClient) -> None:
    first = client.post("/openid4vci/nonce")
    second = client.post("/openid4vci/nonce")
    assert first.status_code == second.status_code == 200
    assert first.headers["cache-control"] == "no-store"
    assert first.json()["c_nonce"] != second.json()["c_nonce"]
    assert len(first.json()["c_nonce"]) >= 32
