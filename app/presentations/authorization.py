"""The authorization request a wallet reads (OpenID4VP 1.0 §5), passed by value.

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#name-authorization-request
`response_type=vp_token`, `response_mode=direct_post` to our `response_uri`, a fresh `nonce`
and `state`, the DCQL query, and our client metadata. The client identifier uses the
`redirect_uri:` prefix (§5.9.3): it is the response URI itself, and such a request is never
signed. The same-device link carries the request by value in an `openid4vp://` link. So does the QR
code when the link is short enough to scan (`MAX_QR_BY_VALUE`: a query of one format);
otherwise the QR code carries it by reference (`request_uri`, RFC 9101; what OpenID4VP
recommends across devices): by value, a DCQL query of three formats is larger than a QR code
holds. Some wallets (the OpenWallet Foundation's `@openid4vc/openid4vp` 0.4.6) take only
signed Request Objects by reference, which a `redirect_uri:` client cannot make. Behind the
reference is the same request as an unsecured Request Object (`alg` `none`, media type
`application/oauth-authz-req+jwt`): a `redirect_uri:` client never signs its requests.

Pure: no database, settings or clock.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlencode

RESPONSE_PATH: Final = "/openid4vp/response"
REQUEST_OBJECT_PATH: Final = "/openid4vp/requests"
REQUEST_OBJECT_MEDIA_TYPE: Final = "application/oauth-authz-req+jwt"
MAX_QR_BY_VALUE: Final = 1200
"""A by-value link longer than this goes in the QR code by reference (a longer one needs a
QR code too dense to scan reliably from a screen)."""
CLIENT_ID_PREFIX: Final = "redirect_uri:"
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


def qr_link(parameters: Mapping[str, Any], *, base_url: str) -> str:
    """The link for the QR code: by value when it is short enough, else by reference."""
    by_value = request_link(parameters)
    if len(by_value) <= MAX_QR_BY_VALUE:
        return by_value
    return reference_link(base_url=base_url, state=str(parameters["state"]))


def request_object(parameters: Mapping[str, Any]) -> str:
    """The request as an unsecured JWT (RFC 7519 §6, RFC 9101 §5.2): header, payload, and an
    empty signature."""
    header = {"alg": "none", "typ": "oauth-authz-req+jwt"}
    return ".".join([_b64(header), _b64(dict(parameters)), ""])


def _b64(value: Mapping[str, Any]) -> str:
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
