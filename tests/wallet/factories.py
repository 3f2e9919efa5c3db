"""Factories for wallet tests: a credential issued over HTTP, both issuer keys, holder keys,
DPoP proofs signed with joserfc, and a wallet that receives credentials over OpenID4VCI and
answers OpenID4VP requests."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt as joserfc_jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, OKPKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.credentials.models import Credential
from app.crypto import jws, sd_jwt
from app.crypto import token_status_list as tsl
from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import create_proof
from app.crypto.jose import CompactJws
from app.crypto.multikey import did_key_from_public_key, did_key_verification_method
from app.db import utcnow
from app.keys import service as keys_service
from app.wallet.sd_jwt_vc import issue_sd_jwt_vc
from tests.credentials.factories import IssuingSetup, issue_body, issuing_setup
from tests.wallet.request_objects import DID_PREFIX, read_signed_request

CREDENTIALS = "/api/v1/credentials"


def issued_credential(
    client: TestClient, app: FastAPI, db: Session
) -> tuple[IssuingSetup, Credential]:
    """A credential issued over HTTP by an accredited provider, with both issuer keys."""
    setup = issuing_setup(client, app, db)
    keys_service.ensure_keys(db, store=app.state.key_store, now=utcnow())
    db.commit()
    return setup, another_credential(client, db, setup)


def another_credential(
    client: TestClient, db: Session, setup: IssuingSetup, *, name: str = "María Fernanda López"
) -> Credential:
    """One more credential of `setup`'s provider, issued over HTTP."""
    body = issue_body(setup.curriculum_id, name=name)
    response = client.post(CREDENTIALS, headers=setup.provider, json=body)
    assert response.status_code == 201, response.text
    return db.scalars(select(Credential).where(Credential.id == response.json()["id"])).one()


def holder_key() -> ec.EllipticCurvePrivateKey:
    """A wallet's own P-256 key."""
    return ec.generate_private_key(ec.SECP256R1())


def wallet_copy(
    app: FastAPI,
    db: Session,
    credential: Credential,
    holder: jws.PrivateKey,
    algorithm: str = "ES256",
) -> str:
    """An SD-JWT VC of `credential` for `holder`, committed."""
    serialized = issue_sd_jwt_vc(
        db,
        credential=credential,
        holder_jwk=jws.public_key_to_jwk(holder.public_key()),
        algorithm=algorithm,
        base_url=app.state.settings.public_base_url,
        now=utcnow(),
        keys=app.state.key_cache,
    )
    db.commit()
    return serialized


def path_of(url: str) -> str:
    """The path of one of our URLs (the test client's base is http://testserver)."""
    assert url.startswith("http://testserver/"), url
    return url.removeprefix("http://testserver")


def issuer_keys(client: TestClient) -> dict[str, dict[str, Any]]:
    """The issuer's JWKs by `kid`, found the SD-JWT VC way: /.well-known/jwt-vc-issuer."""
    metadata = client.get("/.well-known/jwt-vc-issuer").json()
    assert metadata["issuer"] == "http://testserver"
    jwks = client.get(path_of(metadata["jwks_uri"])).json()
    return {key["kid"]: key for key in jwks["keys"]}


def key_resolver(client: TestClient) -> Any:
    keys = issuer_keys(client)

    def resolve(token: CompactJws) -> jws.PublicKey:
        return jws.public_key_from_jwk(
            {name: value for name, value in keys[token.header["kid"]].items() if name != "kid"}
        )

    return resolve


def token_status(client: TestClient, serialized: str, *, now: float) -> tuple[int, str]:
    """The status of an SD-JWT VC read from its Status List Token fetched over HTTP, and the
    token."""
    claims = sd_jwt.split(serialized)[0]
    payload = jws.decode(claims).payload
    index, uri = tsl.reference(payload)
    response = client.get(path_of(uri))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == tsl.MEDIA_TYPE
    token = response.text
    kid = jws.decode(token).header["kid"]
    public = issuer_keys(client)[kid]
    verified = tsl.verify_token(
        token,
        public_key=jws.public_key_from_jwk({k: v for k, v in public.items() if k != "kid"}),
        uri=uri,
        now=now,
    )
    return verified.status_list.get(index), token


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _ath(token: str) -> str:
    return b64(hashlib.sha256(token.encode("ascii")).digest())


def dpop_proof(
    private: jws.PrivateKey,
    *,
    url: str,
    method: str = "POST",
    access_token: str | None = None,
    header: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
) -> str:
    """A DPoP proof JWT signed with joserfc (`header`/`claims` override or add members)."""
    algorithm = "Ed25519" if isinstance(private, Ed25519PrivateKey) else "ES256"
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key = (OKPKey if isinstance(private, Ed25519PrivateKey) else ECKey).import_key(pem)
    protected = {
        "typ": "dpop+jwt",
        "alg": algorithm,
        "jwk": jws.public_key_to_jwk(private.public_key()),
        **(header or {}),
    }
    payload: dict[str, Any] = {
        "jti": str(uuid.uuid4()),
        "htm": method,
        "htu": url,
        "iat": int(time.time()),
        **({"ath": _ath(access_token)} if access_token else {}),
        **(claims or {}),
    }
    return joserfc_jwt.encode(protected, payload, key, algorithms=[protected["alg"]])


# --- A wallet that holds credentials and answers OpenID4VP requests -------------------------

GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
VCDM_V2 = "https://www.w3.org/ns/credentials/v2"


@dataclass
class HeldCredentials:
    """One credential as a wallet received it over OpenID4VCI, in each of our three forms."""

    sd_jwt: str
    ldp_vc: dict[str, Any]
    jwt_vc: str
    holder: ec.EllipticCurvePrivateKey
    did_key: Ed25519PrivateKey


def receive_over_openid4vci(
    client: TestClient, offer_link: str, *, standard_code: str
) -> HeldCredentials:
    """Redeem an offer link and fetch the credential as dc+sd-jwt (bound to a new P-256 key,
    the key proof signed with joserfc), ldp_vc and jwt_vc_json."""
    query = parse_qs(urlsplit(offer_link).query)
    if "credential_offer" in query:
        offer = json.loads(query["credential_offer"][0])
    else:
        offer = client.get(urlsplit(query["credential_offer_uri"][0]).path).json()
    server = client.get("/.well-known/oauth-authorization-server").json()
    granted = client.post(
        urlsplit(server["token_endpoint"]).path,
        data={
            "grant_type": GRANT,
            "pre-authorized_code": offer["grants"][GRANT]["pre-authorized_code"],
        },
    )
    assert granted.status_code == 200, granted.text
    bearer = {"Authorization": f"Bearer {granted.json()['access_token']}"}
    metadata = client.get("/.well-known/openid-credential-issuer").json()
    endpoint = urlsplit(metadata["credential_endpoint"]).path
    holder = holder_key()

    def fetch(configuration: str, **extra: Any) -> Any:
        body = {"credential_configuration_id": configuration, **extra}
        response = client.post(endpoint, json=body, headers=bearer)
        assert response.status_code == 200, response.text
        return response.json()["credentials"][0]["credential"]

    nonce = client.post(urlsplit(metadata["nonce_endpoint"]).path).json()["c_nonce"]
    proof = joserfc_jwt.encode(
        {
            "alg": "ES256",
            "typ": "openid4vci-proof+jwt",
            "jwk": jws.public_key_to_jwk(holder.public_key()),
        },
        {"aud": metadata["credential_issuer"], "iat": int(time.time()), "nonce": nonce},
        ECKey.import_key(_pem(holder)),
        algorithms=["ES256"],
    )
    return HeldCredentials(
        sd_jwt=fetch(f"{standard_code}_dc+sd-jwt", proofs={"jwt": [proof]}),
        ldp_vc=fetch("OpenBadgeCredential_ldp_vc"),
        jwt_vc=fetch("OpenBadgeCredential_jwt_vc_json"),
        holder=holder,
        did_key=Ed25519PrivateKey.generate(),
    )


def read_request_link(client: TestClient, link: str) -> dict[str, Any]:
    """The authorization request an `openid4vp://` link carries by value, or names by
    reference (`request_uri`: an unsecured Request Object, decoded here by hand, or a signed
    one, checked as `tests.wallet.request_objects` says)."""
    assert link.startswith("openid4vp://?"), link
    parameters: dict[str, Any] = {
        name: values[0] for name, values in parse_qs(urlsplit(link).query).items()
    }
    if "request_uri" in parameters and parameters["client_id"].startswith(DID_PREFIX):
        return read_signed_request(client, parameters)
    if "request_uri" in parameters:
        fetched = client.get(path_of(parameters["request_uri"]))
        assert fetched.status_code == 200, fetched.text
        assert fetched.headers["content-type"] == "application/oauth-authz-req+jwt"
        header, payload, signature = fetched.text.split(".")
        assert json.loads(_unb64(header)) == {"alg": "none", "typ": "oauth-authz-req+jwt"}
        assert signature == ""
        request = dict(json.loads(_unb64(payload)))
        assert request["client_id"] == parameters["client_id"]
        return request
    for name in ("dcql_query", "client_metadata"):
        parameters[name] = json.loads(parameters[name])
    return parameters


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sd_jwt_presentation(
    held: HeldCredentials,
    request: dict[str, Any],
    *,
    disclose: set[str],
    audience: str | None = None,
    nonce: str | None = None,
    issued_at: int | None = None,
    signer: ec.EllipticCurvePrivateKey | None = None,
) -> str:
    """The SD-JWT VC with only the disclosures of the claims named in `disclose`, and a Key
    Binding JWT signed with joserfc (`sd_hash` computed here, apart from our own code)."""

    def keep(disclosure: sd_jwt.Disclosure) -> bool:
        if disclosure.name is not None:
            return disclosure.name in disclose
        # An array element: a unit has a code, a piece of evidence does not.
        is_unit = isinstance(disclosure.value, dict) and "code" in disclosure.value
        return ("units" if is_unit else "evidence") in disclose

    kept = sd_jwt.present(held.sd_jwt, keep)
    sd_hash = base64.urlsafe_b64encode(hashlib.sha256(kept.encode("ascii")).digest())
    kb = joserfc_jwt.encode(
        {"alg": "ES256", "typ": "kb+jwt"},
        {
            "iat": issued_at if issued_at is not None else int(time.time()),
            "aud": audience or request["client_id"],
            "nonce": nonce or request["nonce"],
            "sd_hash": sd_hash.rstrip(b"=").decode("ascii"),
        },
        ECKey.import_key(_pem(signer or held.holder)),
        algorithms=["ES256"],
    )
    return kept + kb


def ldp_presentation(
    held: HeldCredentials,
    request: dict[str, Any],
    contexts: PinnedContexts,
    *,
    challenge: str | None = None,
) -> dict[str, Any]:
    """A Data Integrity presentation by the wallet's did:key, challenge = nonce and domain =
    client id."""
    public = held.did_key.public_key()
    document = {
        "@context": [VCDM_V2],
        "type": ["VerifiablePresentation"],
        "holder": did_key_from_public_key(public),
        "verifiableCredential": [held.ldp_vc],
    }
    proof = create_proof(
        document,
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2026-01-01T00:00:00Z",
            "verificationMethod": did_key_verification_method(public),
            "proofPurpose": "authentication",
            "challenge": challenge or request["nonce"],
            "domain": request["client_id"],
        },
        private_key=held.did_key,
        contexts=contexts,
    )
    return {**document, "proof": proof}


def jwt_presentation(
    held: HeldCredentials, request: dict[str, Any], *, signer: Ed25519PrivateKey | None = None
) -> str:
    """A VC-JOSE vp+jwt by the wallet's did:key (signed with joserfc), nonce and aud set;
    `signer` signs it instead (the holder it names stays the wallet's)."""
    public = held.did_key.public_key()
    signing = signer or held.did_key
    payload = {
        "@context": [VCDM_V2],
        "type": ["VerifiablePresentation"],
        "holder": did_key_from_public_key(public),
        "verifiableCredential": [
            {
                "@context": [VCDM_V2],
                "type": "EnvelopedVerifiableCredential",
                "id": f"data:application/vc+jwt,{held.jwt_vc}",
            }
        ],
        "nonce": request["nonce"],
        "aud": request["client_id"],
    }
    with warnings.catch_warnings():
        # joserfc warns that RFC 9864 deprecates "EdDSA" for "Ed25519"; VC-JOSE still uses it.
        warnings.simplefilter("ignore", SecurityWarning)
        token: str = joserfc_jwt.encode(
            {
                "alg": "EdDSA",
                "typ": "vp+jwt",
                "kid": did_key_verification_method(signing.public_key()),
            },
            payload,
            OKPKey.import_key(_pem(signing)),
            algorithms=["EdDSA"],
        )
    return token


def answer(client: TestClient, request: dict[str, Any], query_id: str, presentation: Any) -> Any:
    """Post a `vp_token` to the request's `response_uri` (`direct_post`, form-encoded)."""
    return client.post(
        path_of(request["response_uri"]),
        data={"vp_token": json.dumps({query_id: [presentation]}), "state": request["state"]},
    )


def _pem(key: jws.PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
