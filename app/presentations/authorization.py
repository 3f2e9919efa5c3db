"""The authorization request a wallet reads (OpenID4VP 1.0 §5): by value, or by reference
as a Request Object, unsigned or signed.

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#name-authorization-request
`response_type=vp_token`, `response_mode=direct_post` to our `response_uri`, a fresh `nonce`
and `state`, the DCQL query, and our client metadata. Two client identifiers name us:

- `redirect_uri:` and the response URI (§5.9.3): such a request is never signed. The
  same-device link carries it by value in an `openid4vp://` link, and so does the QR code
  when the link is short enough to scan (`MAX_QR_BY_VALUE`: a query of one format). Behind
  `request_uri_link` is the same request as an unsecured Request Object (`alg` `none`).
- `decentralized_identifier:` and our did:web (§5.9.3): the request is a Request Object
  signed by a key of our DID document (RFC 9101 JAR, `typ` `oauth-authz-req+jwt`, `kid` the
  verification method), passed by reference (`request_uri`, with `request_uri_method=post`,
  §5.10: the wallet may post a `wallet_nonce`, which the signed object then carries). The
  QR code carries this one when the request by value is too long: by value, a DCQL query of
  three formats is larger than a QR code holds, and wallets such as the OpenWallet
  Foundation's `@openid4vc/openid4vp` take only signed Request Objects by reference.

The spec names no verification relationship for the signing key (a `verificationMethod` of
the DID document, named by `kid`). Ours is a key of its own, listed under `authentication`
only: the credential-signing keys stay in `assertionMethod` only, and a credential signed
by the request key verifies nowhere (`app.keys.models.KeyPurpose`).

Pure: no database, settings or clock (times and keys come in as arguments).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlencode

from app.crypto import jws

RESPONSE_PATH: Final = "/openid4vp/response"
REQUEST_OBJECT_PATH: Final = "/openid4vp/requests"
SIGNED_REQUEST_OBJECT_PATH: Final = "/openid4vp/signed-requests"
REQUEST_OBJECT_MEDIA_TYPE: Final = "application/oauth-authz-req+jwt"
REQUEST_OBJECT_TYP: Final = "oauth-authz-req+jwt"
REQUEST_URI_METHOD: Final = "post"
STATIC_DISCOVERY_AUDIENCE: Final = "https://self-issued.me/v2"
"""A Request Object's `aud` when the wallet's metadata is not known (OpenID4VP §5.8)."""
MAX_QR_BY_VALUE: Final = 1200
"""A by-value link longer than this goes in the QR code by reference (a longer one needs a
QR code too dense to scan reliably from a screen)."""
CLIENT_ID_PREFIX: Final = "redirect_uri:"
DID_CLIENT_ID_PREFIX: Final = "decentralized_identifier:"
SCHEME: Final = "openid4vp://"
RESPONSE_TYPE: Final = "vp_token"
RESPONSE_MODE: Final = "direct_post"
VP_FORMATS_SUPPORTED: Final[dict[str, Any]] = {
    "dc+sd-jwt": {
        "sd-jwt_alg_values": ["ES256", "EdDSA"],
        "kb-jwt_alg_values": ["ES256", "EdDSA"],
    },
    "ldp_vc": {
        "proof_type_values": ["DataIntegrityProof"],
        "cryptosuite_values": ["eddsa-rdfc-2022"],
    },
    "jwt_vc_json": {"alg_values": ["EdDSA"]},
}
"""Client metadata `vp_formats_supported` (§11.1): what we can verify, per format."""


def response_uri(base_url: str) -> str:
    """Where wallets post their responses."""
    return base_url.rstrip("/") + RESPONSE_PATH


def client_id(base_url: str) -> str:
    """Our client identifier: `redirect_uri:` and the response URI (§5.9.3)."""
    return CLIENT_ID_PREFIX + response_uri(base_url)


def did_client_id(did: str) -> str:
    """Our client identifier for signed requests: `decentralized_identifier:` and the DID."""
    return DID_CLIENT_ID_PREFIX + did


def client_ids(base_url: str, did: str) -> tuple[str, str]:
    """Both identifiers a response may name as its audience (the one the wallet was given)."""
    return client_id(base_url), did_client_id(did)


def authorization_request(
    *, base_url: str, nonce: str, state: str, dcql_query: Mapping[str, Any]
) -> dict[str, Any]:
    """The request's parameters, as a JSON object (the API answers this)."""
    return {
        "response_type": RESPONSE_TYPE,
        "response_mode": RESPONSE_MODE,
        "client_id": client_id(base_url),
        "response_uri": response_uri(base_url),
        "nonce": nonce,
        "state": state,
        "dcql_query": dict(dcql_query),
        "client_metadata": {"vp_formats_supported": VP_FORMATS_SUPPORTED},
    }


def request_link(parameters: Mapping[str, Any]) -> str:
    """The `openid4vp://` link carrying the request by value (objects as JSON strings)."""
    query = {
        name: json.dumps(value, separators=(",", ":")) if isinstance(value, dict) else value
        for name, value in parameters.items()
    }
    return SCHEME + "?" + urlencode(query)


def request_object_uri(base_url: str, state: str) -> str:
    """Where a wallet fetches the request by reference (`request_uri`)."""
    return f"{base_url.rstrip('/')}{REQUEST_OBJECT_PATH}/{state}"


def reference_link(*, base_url: str, state: str) -> str:
    """The `openid4vp://` link that names the request by reference (for the QR code)."""
    query = {"client_id": client_id(base_url), "request_uri": request_object_uri(base_url, state)}
    return SCHEME + "?" + urlencode(query)


def qr_link(parameters: Mapping[str, Any], *, base_url: str, did: str) -> str:
    """The link for the QR code: by value when it is short enough, else the signed request
    by reference."""
    by_value = request_link(parameters)
    if len(by_value) <= MAX_QR_BY_VALUE:
        return by_value
    return signed_reference_link(base_url=base_url, did=did, state=str(parameters["state"]))


def request_object(parameters: Mapping[str, Any]) -> str:
    """The request as an unsecured JWT (RFC 7519 §6, RFC 9101 §5.2): header, payload, and an
    empty signature."""
    header = {"alg": "none", "typ": REQUEST_OBJECT_TYP}
    return ".".join([_b64(header), _b64(dict(parameters)), ""])


def signed_request_object_uri(base_url: str, state: str) -> str:
    """Where a wallet fetches the signed request by reference (`request_uri`)."""
    return f"{base_url.rstrip('/')}{SIGNED_REQUEST_OBJECT_PATH}/{state}"


def signed_reference_link(*, base_url: str, did: str, state: str) -> str:
    """The `openid4vp://` link that names the signed request by reference (§5.10)."""
    query = {
        "client_id": did_client_id(did),
        "request_uri": signed_request_object_uri(base_url, state),
        "request_uri_method": REQUEST_URI_METHOD,
    }
    return SCHEME + "?" + urlencode(query)


def signed_request_object(
    parameters: Mapping[str, Any],
    *,
    did: str,
    verification_method: str,
    private_key: jws.PrivateKey,
    issued_at: int,
    expires_at: int,
    wallet_nonce: str | None = None,
) -> str:
    """The request as a Request Object signed by `private_key` (RFC 9101 §4, OpenID4VP §5.9.3):
    `typ` `oauth-authz-req+jwt`, `kid` its verification method of `did`; the client id is
    the DID's, `aud` the static discovery value, `iat`/`exp` its lifetime, and the wallet's
    `wallet_nonce` when it posted one (§5.10). No `iss`: OpenID4VP identifies the client by
    `client_id`, and the OpenWallet library refuses a `did` signer whose `iss` is not the bare
    DID, while RFC 9101 would make `iss` the client id (with its prefix)."""
    payload: dict[str, Any] = {
        **parameters,
        "client_id": did_client_id(did),
        "aud": STATIC_DISCOVERY_AUDIENCE,
        "iat": issued_at,
        "exp": expires_at,
    }
    if wallet_nonce is not None:
        payload["wallet_nonce"] = wallet_nonce
    headers = {"typ": REQUEST_OBJECT_TYP, "kid": verification_method}
    return jws.sign(payload, private_key=private_key, headers=headers)


def _b64(value: Mapping[str, Any]) -> str:
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
