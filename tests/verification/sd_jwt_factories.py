"""Factories for SD-JWT VC verification tests: wallet copies and their tampered variants."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.credentials.models import Credential
from app.crypto import jws, sd_jwt
from app.keys import service as keys_service
from app.keys.models import KeyAlgorithm
from app.verification.service import VerifierSetup
from tests.credentials.factories import IssuingSetup
from tests.verification.factories import VERIFY
from tests.wallet.factories import holder_key
from tests.wallet.test_openid4vci import Wallet
from tests.wallet.test_openid4vci_sd_jwt import _key_proof, _offer_with_both_keys, _token

SD_JWT_VC = "application/dc+sd-jwt"
AUDIENCE = "https://employer.example"
NONCE = "n-0S6_WzA2Mj"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Held:
    """An issued credential's provider set-up, the credential, the holder's key and the
    SD-JWT VC the wallet holds (no key binding)."""

    setup: IssuingSetup
    credential: Credential
    holder: jws.PrivateKey
    serialized: str


def wallet_credential(client: TestClient, app: FastAPI, db: Session) -> Held:
    """A credential issued over HTTP and received by a wallet over OpenID4VCI (offer,
    token, nonce, key proof, credential endpoint) as an SD-JWT VC bound to its key."""
    offered = _offer_with_both_keys(client, app, db)
    token, configuration = _token(client, offered)
    holder = holder_key()
    response = Wallet(client).credential(
        token,
        {
            "credential_configuration_id": configuration,
            "proofs": {"jwt": [_key_proof(client, holder)]},
        },
    )
    assert response.status_code == 200, response.text
    [received] = response.json()["credentials"]
    credential = db.scalars(select(Credential).where(Credential.id == offered.credential_id)).one()
    return Held(offered.setup, credential, holder, received["credential"])


def bound(
    serialized: str,
    holder: jws.PrivateKey,
    *,
    keep: tuple[str, ...] = ("score",),
    audience: str = AUDIENCE,
    nonce: str = NONCE,
    issued_at: int | None = None,
) -> str:
    """The holder's presentation disclosing the claims named in `keep`, key-bound."""
    shown = sd_jwt.present(serialized, lambda d: d.name in keep)
    when = int(time.time()) if issued_at is None else issued_at
    return sd_jwt.bind(shown, private_key=holder, audience=audience, nonce=nonce, issued_at=when)


def verify_http(client: TestClient, serialized: str) -> dict[str, Any]:
    """POST /api/v1/verify with the SD-JWT VC as the body; the 200 JSON answer."""
    response = client.post(VERIFY, content=serialized, headers={"Content-Type": SD_JWT_VC})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def checks(body: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Each check's (status, code) by name."""
    return {check["name"]: (check["status"], check["code"]) for check in body["checks"]}


def with_payload(serialized: str, change: Any) -> str:
    """The SD-JWT with its issuer JWT's payload changed by `change` (signature kept)."""
    token, *rest = serialized.split("~")
    header, payload, signature = token.split(".")
    claims = json.loads(unb64(payload))
    change(claims)
    edited = b64(json.dumps(claims).encode())
    return "~".join([f"{header}.{edited}.{signature}", *rest])


def with_header(serialized: str, header: dict[str, Any], signature: str = "AAAA") -> str:
    """The SD-JWT with another issuer JWT header (and signature)."""
    token, *rest = serialized.split("~")
    _, payload, _ = token.split(".")
    encoded = b64(json.dumps(header).encode())
    return "~".join([f"{encoded}.{payload}.{signature}", *rest])


def with_edited_disclosure(serialized: str, name: str, value: Any) -> str:
    """The SD-JWT with the disclosure of `name` carrying another value (same salt)."""
    token, disclosures, _ = sd_jwt.split(serialized)
    edited = [
        sd_jwt.make_disclosure(name, value, salt=d.salt) if d.name == name else d
        for d in disclosures
    ]
    assert edited != disclosures
    return sd_jwt.serialize(token, edited)


def with_added_disclosure(serialized: str) -> str:
    """The SD-JWT with one more disclosure that no digest references."""
    token, disclosures, _ = sd_jwt.split(serialized)
    return sd_jwt.serialize(token, [*disclosures, sd_jwt.make_disclosure("score", 100)])


def setup_of(app: FastAPI) -> VerifierSetup:
    """The app's verifier setup, as its routes get it."""
    state = app.state
    return VerifierSetup(
        settings=state.settings,
        contexts=state.contexts,
        key_cache=state.key_cache,
        published_lists=state.published_status_lists,
        credentials=state.stored_credentials,
        caches=state.verifier_caches,
        events=None,
        proofs=state.proof_checker,
    )


def resigned(
    app: FastAPI, db: Session, serialized: str, change: Any, *, disclose: Any = None
) -> str:
    """A real SD-JWT VC's claims (all disclosed), changed by `change`, re-issued with the
    issuer's active ES256 key: a credential our issuer could have signed, for the checks
    after the signature (dates, status, SD-JWT VC rules). `disclose` marks extra top-level
    claims selectively disclosable."""
    issuer_jwt = sd_jwt.split(serialized)[0]
    header = jws.decode(issuer_jwt).header
    verified = sd_jwt.verify(
        serialized,
        resolve_key=lambda token: jws.public_key_from_jwk(_issuer_jwk(app, db, token)),
        accepted_typ={"dc+sd-jwt"},
        key_binding=None,
    )
    claims = dict(verified.claims)
    change(claims)
    for name in disclose or ():
        claims[name] = sd_jwt.Disclosable(claims[name])
    active = keys_service.active_jws_key(
        db, cache=app.state.key_cache, algorithm=KeyAlgorithm.es256
    )
    assert header["kid"].endswith("#" + active.kid)
    reissued, _ = sd_jwt.issue(claims, private_key=active.private_key, headers=header)
    return reissued


def _issuer_jwk(app: FastAPI, db: Session, token: Any) -> dict[str, str]:
    kid = token.header["kid"].rsplit("#", 1)[1]
    active = keys_service.active_jws_key(
        db, cache=app.state.key_cache, algorithm=KeyAlgorithm.es256
    )
    assert active.kid == kid
    return jws.public_key_to_jwk(active.private_key.public_key())
