"""The wallet's side of a signed OpenID4VP Request Object (RFC 9101; OpenID4VP 1.0 §5.9.3
`decentralized_identifier:`, §5.10 `request_uri_method`), as a wallet checks one.

It fetches the request as the link says (a POST carrying a fresh `wallet_nonce`), resolves
the client's did:web to its DID document, and accepts the Request Object only if its `typ`
is `oauth-authz-req+jwt`, its `kid` is a verification method of that DID listed under
`authentication`, its ES256 signature verifies with joserfc (not the JOSE code the service
signs with), and its claims name the same client, are not expired, and carry the wallet's
nonce. Anything else raises `RequestObjectRefused`.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient
from joserfc import jws as joserfc_jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from app.crypto.jose import decode_compact_jws
from app.crypto.multikey import p256_public_key_from_multibase

DID_PREFIX = "decentralized_identifier:"
TYP = "oauth-authz-req+jwt"
MEDIA_TYPE = "application/oauth-authz-req+jwt"


class RequestObjectRefused(Exception):
    """The wallet refuses the Request Object (the reason is the message)."""


def read_signed_request(client: TestClient, parameters: dict[str, Any]) -> dict[str, Any]:
    """The authorization request a signed `request_uri` names, checked as a wallet does."""
    client_id = parameters["client_id"]
    assert client_id.startswith(DID_PREFIX), client_id
    method = parameters.get("request_uri_method", "get")
    path = urlsplit(parameters["request_uri"]).path
    wallet_nonce = secrets.token_urlsafe(16) if method == "post" else None
    if wallet_nonce is not None:
        fetched = client.post(path, data={"wallet_nonce": wallet_nonce})
    else:
        fetched = client.get(path)
    assert fetched.status_code == 200, fetched.text
    assert fetched.headers["content-type"] == MEDIA_TYPE
    return verify_request_object(
        fetched.text,
        client_id=client_id,
        did_document=resolve_did_web(client, client_id.removeprefix(DID_PREFIX)),
        wallet_nonce=wallet_nonce,
    )


def resolve_did_web(client: TestClient, did: str) -> dict[str, Any]:
    """did:web resolution for the test server (`did:web:testserver`)."""
    assert did == "did:web:testserver", did
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def verify_request_object(
    token: str,
    *,
    client_id: str,
    did_document: dict[str, Any],
    wallet_nonce: str | None,
    now: float | None = None,
) -> dict[str, Any]:
    """The Request Object's claims, once every check of the module docstring passes."""
    header = decode_compact_jws(token).header
    if header.get("typ") != TYP:
        raise RequestObjectRefused(f"typ is {header.get('typ')!r}, not {TYP}")
    did = client_id.removeprefix(DID_PREFIX)
    kid = header.get("kid")
    if not isinstance(kid, str) or kid.split("#")[0] != did or did_document.get("id") != did:
        raise RequestObjectRefused(f"kid {kid!r} is not a key of {did}")
    if kid not in did_document.get("authentication", []):
        raise RequestObjectRefused(f"{kid} is not an authentication key of {did}")
    [method] = [m for m in did_document["verificationMethod"] if m["id"] == kid]
    public = p256_public_key_from_multibase(method["publicKeyMultibase"])
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        verified = joserfc_jws.deserialize_compact(
            token, ECKey.import_key(pem), algorithms=["ES256"]
        )
    except (JoseError, ValueError) as error:
        raise RequestObjectRefused(f"the signature does not verify: {error}") from None
    claims: dict[str, Any] = decode_compact_jws(token).payload
    assert verified.payload  # what was verified is what was decoded
    if claims.get("client_id") != client_id:
        raise RequestObjectRefused("the Request Object names another client")
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= (now or time.time()):
        raise RequestObjectRefused("the Request Object has expired")
    if claims.get("wallet_nonce") != wallet_nonce:
        raise RequestObjectRefused("the Request Object does not carry the wallet's nonce")
    return claims
