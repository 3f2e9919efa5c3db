"""VC-JOSE: a credential secured as a compact JWS with EdDSA (Ed25519).

https://www.w3.org/TR/vc-jose-cose/#securing-with-jose — the JWS payload *is* the VCDM 2.0
credential (no `vc` claim, no embedded `proof`); the protected header is exactly
`{"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": …}`.

Verification raises `JoseError` on any failure: there is no partial result for a JWS.
`exp` / `nbf` / `iat` are checked by PyJWT only when present; the credential's own
`validFrom` / `validUntil` are NOT checked here. The verifier domain checks them (with its
clock), together with status and schema.

Note: this is the generic W3C profile. Open Badges 3.0's own VC-JWT profile (typ `JWT`, no
extra headers, `iss` / `jti` / `nbf` / `sub` claims) is different and is not produced here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.crypto.errors import JoseError

ALGORITHM = "EdDSA"
TYP = "vc+jwt"
CTY = "vc"
MEDIA_TYPE = "application/vc+jwt"

_ACCEPTED_TYP = frozenset({TYP, MEDIA_TYPE})
_ACCEPTED_CTY = frozenset({CTY, "application/vc"})
# Headers that would let the token choose its own verification key (RFC 7515 §4.1.3–4.1.6),
# or change how the payload is read (crit, b64: RFC 7515 §4.1.11, RFC 7797).
_FORBIDDEN_HEADERS = frozenset({"jwk", "jku", "x5u", "x5c", "crit", "b64"})
# VC-JOSE forbids the VC-JWT 1.1 wrapper claims (https://www.w3.org/TR/vc-jose-cose/#securing-with-jose).
_FORBIDDEN_CLAIMS = frozenset({"vc", "vp"})


def sign_vc_jwt(credential: Mapping[str, Any], *, private_key: Ed25519PrivateKey, kid: str) -> str:
    """Sign `credential` as a compact JWS (`application/vc+jwt`).

    A credential that already carries a Data Integrity `proof`, or a `vc` / `vp` claim, is
    refused: the JWS is the only securing mechanism of its payload.
    """
    if not kid:
        raise JoseError("kid is required")
    if "proof" in credential:
        raise JoseError("a credential with an embedded proof cannot be secured as vc+jwt")
    forbidden = sorted(_FORBIDDEN_CLAIMS.intersection(credential))
    if forbidden:
        raise JoseError(f"the payload must not contain the claims {forbidden}")
    headers = {"typ": TYP, "cty": CTY, "kid": kid}
    try:
        return jwt.encode(dict(credential), private_key, algorithm=ALGORITHM, headers=headers)
    except (jwt.PyJWTError, TypeError, ValueError) as error:
        raise JoseError(f"cannot sign the credential: {error}") from error


def decode_vc_jwt_header(token: str) -> dict[str, Any]:
    """The protected header of a vc+jwt, checked but with the signature NOT yet verified.

    Checks: `alg` is exactly EdDSA (so `none`, HS*, RS*, ES* are refused before any key is
    looked up: no algorithm confusion), `typ` is `vc+jwt` or `application/vc+jwt`, `cty` (if
    present) is `vc`, `kid` is a non-empty string, and no header names its own key.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise JoseError(f"malformed JWS: {error}") from error
    if header.get("alg") != ALGORITHM:
        raise JoseError(f"alg {header.get('alg')!r} is not accepted; only {ALGORITHM}")
    if header.get("typ") not in _ACCEPTED_TYP:
        raise JoseError(f"typ {header.get('typ')!r} is not {TYP}")
    if "cty" in header and header["cty"] not in _ACCEPTED_CTY:
        raise JoseError(f"cty {header['cty']!r} is not {CTY}")
    forbidden = sorted(_FORBIDDEN_HEADERS.intersection(header))
    if forbidden:
        raise JoseError(f"the headers {forbidden} are not accepted")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise JoseError("kid is required")
    return header


def verify_vc_jwt(token: str, *, resolve_key: Callable[[str], Ed25519PublicKey]) -> dict[str, Any]:
    """Verify a vc+jwt and return its payload, the credential.

    `resolve_key(kid)` returns the issuer's Ed25519 public key for the header's `kid` and
    raises `LookupError` (e.g. `KeyError`) for an unknown kid. Besides the header checks of
    `decode_vc_jwt_header`: the signature must verify; the payload must not carry `vc` /
    `vp`; if `iss` is present it must equal the credential's issuer id; `exp` / `nbf` / `iat`
    are checked only when present. validFrom / validUntil are left to the verifier.
    """
    header = decode_vc_jwt_header(token)
    try:
        public_key = resolve_key(header["kid"])
    except LookupError as error:
        raise JoseError(f"unknown kid {header['kid']!r}") from error
    if not isinstance(public_key, Ed25519PublicKey):
        raise JoseError("the key for kid is not an Ed25519 public key")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            public_key,
            algorithms=[ALGORITHM],
            options={"verify_aud": False, "require": []},
        )
    except jwt.PyJWTError as error:
        raise JoseError(f"JWS verification failed: {error}") from error
    forbidden = sorted(_FORBIDDEN_CLAIMS.intersection(claims))
    if forbidden:
        raise JoseError(f"the payload must not contain the claims {forbidden}")
    if "iss" in claims and claims["iss"] != issuer_id(claims):
        raise JoseError("iss does not match the credential's issuer")
    return claims


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The credential's issuer id: `issuer` when a string, else `issuer.id`."""
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None
