"""An independent wallet receives our credentials from a running server (issue #14).

The OpenWallet Foundation's OpenID4VCI client (`@openid4vc/openid4vci`, in Node, with its own
keys and Node's crypto) resolves our offer links, reads the issuer's and the authorization
server's metadata, trades the pre-authorized code (and PIN) for an access token, asks the
nonce endpoint, and fetches the credential in each of the three formats, the SD-JWT VC with
its own key proofs; one wallet binds its access token to a DPoP key (RFC 9449), the other
uses a bearer token. `@sd-jwt/sd-jwt-vc` and `@sd-jwt/jwt-status-list` then verify each SD-JWT
VC (issuer key from `/.well-known/jwt-vc-issuer`, status list fetched from its URI, a Key
Binding JWT of the wallet's). The client accepts only https URLs, so the app is served over
TLS with a throwaway certificate that Node trusts through NODE_EXTRA_CA_CERTS.

One server start and one wallet process cover every offer; two more Node processes check
the Data Integrity credential and, after a revocation, the SD-JWT VC's status again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jws as jose_jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey
from sqlalchemy.orm import Session

from app.crypto import jws, sd_jwt
from app.crypto import token_status_list as tsl
from app.crypto.sd_jwt import KeyBindingExpectation
from app.db import make_sessionmaker, utcnow
from app.main import create_app
from app.verification import service as verification_service
from tests.conftest import settings_for
from tests.interop.node_verifier import (
    require_node,
    run_node_verifier_batch,
    run_sd_jwt_verifier,
    run_wallet,
)
from tests.interop.tls_server import TlsServer, free_port
from tests.verification.sd_jwt_factories import setup_of as verifier_setup_of
from tests.wallet.factories import another_credential, issued_credential

LDP_VC = "OpenBadgeCredential_ldp_vc"
JWT_VC_JSON = "OpenBadgeCredential_jwt_vc_json"


@dataclass
class Running:
    """The app served over HTTPS, a client for setting it up, and a database session."""

    app: FastAPI
    server: TlsServer
    client: TestClient
    db: Session


@pytest.fixture
def running(
    migrated_database: str, database_emptier: Callable[[], None], tmp_path: Path
) -> Iterator[Running]:
    require_node()
    database_emptier()
    port = free_port()
    settings = settings_for(
        migrated_database, tmp_path, public_base_url=f"https://127.0.0.1:{port}"
    )
    app = create_app(settings)
    # The served app runs the lifespan; the set-up client talks to the same app in process.
    with TlsServer(app, port=port, folder=tmp_path) as server:
        session = make_sessionmaker(app.state.engine)()
        try:
            yield Running(app=app, server=server, client=TestClient(app), db=session)
        finally:
            session.close()
    app.state.engine.dispose()


def _offer(running: Running, credential_id: str, headers: dict[str, str], *, pin: bool) -> Any:
    made = running.client.post(
        f"/api/v1/credentials/{credential_id}/wallet-offers", headers=headers, json={"tx_code": pin}
    )
    assert made.status_code == 201, made.text
    return made.json()


def _verify_jwt_vc(running: Running, token: str, stored: dict[str, Any]) -> None:
    keys = running.client.get("/.well-known/jwks.json").json()["keys"]
    header = dict(jose_jws.extract_compact(token.encode()).headers())
    [jwk] = [key for key in keys if key["kid"] == header["kid"]]
    # joserfc flags "EdDSA" as superseded by "Ed25519" (RFC 9864); VC-JOSE issuers still use it.
    with pytest.warns(SecurityWarning, match="EdDSA"):
        verified = jose_jws.deserialize_compact(token, OKPKey.import_key(jwk), algorithms=["EdDSA"])
    assert json.loads(verified.payload)["id"] == stored["id"]


def test_the_openwallet_client_receives_every_format_and_verifies_the_sd_jwt_vcs(
    running: Running,
) -> None:
    client, app, db = running.client, running.app, running.db
    setup, first = issued_credential(client, app, db)
    second = another_credential(client, db, setup, name="Jean-Luc Tremblay")
    with_pin = _offer(running, first.id, setup.provider, pin=True)
    without_pin = _offer(running, second.id, setup.provider, pin=False)
    assert with_pin["credential_offer_uri"].startswith(running.server.url + "/")

    by_reference, by_value = run_wallet(
        [
            {"link": with_pin["offer_link"], "txCode": with_pin["tx_code"], "proofs": 2},
            {"link": without_pin["offer_by_value_link"], "proofs": 1, "dpop": True},
        ],
        env=running.server.node_env(),
    )
    sd_jwt_id = f"{setup.standard.code}_dc+sd-jwt"
    runs = (
        (by_reference, first, 2, "María Fernanda López", "Bearer"),
        (by_value, second, 1, "Jean-Luc Tremblay", "DPoP"),
    )
    for result, credential, holders, name, token_type in runs:
        assert result.verified, result.error
        assert result.raw["credentialIssuer"] == running.server.url
        assert result.raw["tokenType"] == token_type
        assert result.raw["configurationIds"] == [sd_jwt_id, LDP_VC, JWT_VC_JSON]
        received = result.raw["credentials"]
        assert len(received[sd_jwt_id]) == holders
        stored = client.get(f"/api/v1/credentials/{credential.id}", headers=setup.provider).json()
        assert received[LDP_VC] == [stored["credential"]]
        assert received[JWT_VC_JSON] == [stored["jwt"]]
        _verify_jwt_vc(running, stored["jwt"], stored["credential"])
        shown = result.raw["sdJwt"]
        assert len(shown) == holders
        for item in shown:
            assert item["holderBound"] is True
            assert item["keyBinding"] is True
            assert item["status"] == tsl.VALID
            assert item["vct"] == f"{running.server.url}/vct/{setup.standard.code}"
            assert item["claims"]["name"] == name
            assert "score" in item["claims"] and "provider" in item["claims"]
            # The wallet's presentation disclosed the name alone.
            assert item["presented"]["name"] == name
            assert "score" not in item["presented"] and "provider" not in item["presented"]
        indexes = {tsl.reference(jws.decode(sd_jwt.split(item["serialized"])[0]).payload)}
        assert len(indexes) == 1
    all_indexes = {
        tsl.reference(jws.decode(sd_jwt.split(item["serialized"])[0]).payload)
        for result in (by_reference, by_value)
        for item in result.raw["sdJwt"]
    }
    assert len(all_indexes) == 3, "each SD-JWT VC has its own status entry"

    # The Data Integrity form, as the wallet got it, verifies in Digital Bazaar's libraries.
    methods = client.get("/.well-known/did.json").json()["verificationMethod"]
    for result in run_node_verifier_batch(
        [by_reference.raw["credentials"][LDP_VC][0], by_value.raw["credentials"][LDP_VC][0]],
        methods,
        app.state.settings.contexts_dir,
    ):
        assert result.verified, result.error

    # The presentations @sd-jwt made (name only, key-bound) verify at our endpoint, and
    # against the audience and nonce the wallet was asked for (as OpenID4VP checks them).
    presented = [result.raw["sdJwt"][0] for result in (by_reference, by_value)]
    for item, name in zip(presented, ("María Fernanda López", "Jean-Luc Tremblay"), strict=True):
        body = _verify_at_our_endpoint(client, item["presentation"])
        assert body["verified"] is True, body
        assert [claim["name"] for claim in body["disclosure"]["disclosed"]] == ["name"]
        assert body["disclosure"]["claims"]["name"] == name
        assert body["disclosure"]["key_bound"] is True
        assert "score" in {claim["name"] for claim in body["disclosure"]["withheld"]}
        expected = KeyBindingExpectation(
            audience="https://employer.example", nonce=item["nonce"], now=time.time()
        )
        report = verification_service.verify_sd_jwt_vc(
            db,
            presentation=item["presentation"],
            key_binding=expected,
            setup=verifier_setup_of(app),
            audience=verification_service.Audience(),
            now=utcnow(),
        )
        assert report.result.verified, report.result.checks
        db.commit()  # the verification event: SQLite holds one writer at a time

    # Revoked: the wallet's SD-JWT VC shows it through the Token Status List it points at.
    revoked = client.post(
        f"/api/v1/admin/credentials/{first.id}/revoke",
        headers=setup.staff,
        json={"reason": "Fraud"},
    )
    assert revoked.status_code == 200, revoked.text
    keys = {key["kid"]: key for key in client.get("/.well-known/jwks.json").json()["keys"]}
    items = []
    for result in (by_reference, by_value):
        serialized = result.raw["sdJwt"][0]["serialized"]
        issuer_jwt = sd_jwt.split(serialized)[0]
        _, uri = tsl.reference(jws.decode(issuer_jwt).payload)
        status_token = client.get(uri.removeprefix(running.server.url)).text
        kid = jws.decode(issuer_jwt).header["kid"]
        items.append(
            {
                "credential": serialized,
                "issuerJwk": {k: v for k, v in keys[kid].items() if k != "kid"},
                "statusListToken": status_token,
            }
        )
    after_first, after_second = run_sd_jwt_verifier(items)
    assert after_first.verified, after_first.error
    assert after_first.raw["status"] == tsl.INVALID
    assert after_second.verified, after_second.error
    assert after_second.raw["status"] == tsl.VALID
    # Our verifier agrees on the same presentations.
    assert _verify_at_our_endpoint(client, presented[0]["presentation"])["outcome"] == "revoked"
    assert _verify_at_our_endpoint(client, presented[1]["presentation"])["outcome"] == "verified"
    # And the Data Integrity form the wallet got shows it through its Bitstring Status List.
    for result, outcome in ((by_reference, "revoked"), (by_value, "verified")):
        document = result.raw["credentials"][LDP_VC][0]
        answer = client.post("/api/v1/verify", json={"credential": document})
        assert answer.status_code == 200, answer.text
        assert answer.json()["outcome"] == outcome


def _verify_at_our_endpoint(client: TestClient, presentation: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/verify", content=presentation, headers={"Content-Type": "application/dc+sd-jwt"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
