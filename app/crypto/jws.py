"""Compact JWS with the two algorithms wallets use: EdDSA (Ed25519) and ES256 (P-256).

For the wallet formats (SD-JWT VC, Key Binding JWTs, OpenID4VCI key proofs, Token Status
Lists), where the signer's key is an Ed25519 or a P-256 key. The algorithm is never taken
from the token alone: it must be the one algorithm of the key that verifies it (`alg` EdDSA
for an Ed25519 key, ES256 for a P-256 key), so `none`, HMAC and RSA algorithms, and an
algorithm that does not fit the key, are refused before any signature is checked.

Splitting and decoding are `jose.decode_compact_jws`'s (strict base64url, UTF-8 JSON
objects, a size limit); signing is PyJWT's; signatures are checked with `cryptography`
(RFC 7518 §3.4: an ES256 signature is R || S, 32 bytes each).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from app.crypto import multikey
from app.crypto.errors import InvalidMultikeyError, JoseError
from app.crypto.jose import CompactJws, decode_compact_jws
from app.crypto.multibase import (
    BASE64URL_NO_PAD,
    MultibaseError,
    decode_base64url,
    encode_base64url,
)

PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey
PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey

EDDSA = "EdDSA"
ED25519 = "Ed25519"
"""RFC 9864's fully-specified name for EdDSA with Ed25519, accepted on verification (we sign
with `EdDSA`, which every library knows)."""
ES256 = "ES256"
ALGORITHMS = (EDDSA, ES256)
_P256_COORDINATE = 32
_PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def algorithm_of(key: PublicKey | PrivateKey) -> str:
    """The one JWS algorithm of `key`: EdDSA for Ed25519, ES256 for P-256; else refused."""
    if isinstance(key, Ed25519PublicKey | Ed25519PrivateKey):
        return EDDSA
    if isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) and isinstance(
        key.curve, ec.SECP256R1
    ):
        return ES256
    raise JoseError("only Ed25519 and P-256 keys are accepted")


def sign(payload: Mapping[str, Any], *, private_key: PrivateKey, headers: Mapping[str, Any]) -> str:
    """A compact JWS of `payload` signed with `private_key` in its algorithm."""
    algorithm = algorithm_of(private_key)
    try:
        return jwt.encode(dict(payload), private_key, algorithm=algorithm, headers=dict(headers))
    except (jwt.PyJWTError, TypeError, ValueError) as error:
        raise JoseError(f"cannot sign: {error}") from error


def decode(token: str) -> CompactJws:
    """The header and payload of a compact JWS, NOT verified (see `verify`)."""
    return decode_compact_jws(token)


def verify(token: CompactJws, public_key: PublicKey) -> None:
    """Raise `JoseError` unless `token` is signed by `public_key` in that key's algorithm."""
    expected = algorithm_of(public_key)
    algorithm = token.header.get("alg")
    accepted = {expected, ED25519} if expected == EDDSA else {expected}
    if algorithm not in accepted:
        raise JoseError(f"alg {algorithm!r} is not accepted for this key; expected {expected}")
    if "crit" in token.header:
        raise JoseError("the crit header is not accepted")
    try:
        if isinstance(public_key, Ed25519PublicKey):
            public_key.verify(token.signature, token.signing_input)
        else:
            if len(token.signature) != 2 * _P256_COORDINATE:
                raise JoseError("malformed JWS: an ES256 signature is 64 bytes")
            r = int.from_bytes(token.signature[:_P256_COORDINATE], "big")
            s = int.from_bytes(token.signature[_P256_COORDINATE:], "big")
            public_key.verify(
                encode_dss_signature(r, s), token.signing_input, ec.ECDSA(hashes.SHA256())
            )
    except InvalidSignature as error:
        raise JoseError("JWS verification failed: the signature does not match") from error


def public_key_from_jwk(jwk: Any) -> PublicKey:
    """An Ed25519 (OKP) or P-256 (EC) public key from a JWK; private members are refused."""
    if not isinstance(jwk, Mapping):
        raise JoseError("a JWK is a JSON object")
    private = sorted(_PRIVATE_JWK_MEMBERS.intersection(jwk))
    if private:
        raise JoseError(f"the JWK carries private members {private}")
    try:
        if jwk.get("kty") == "OKP":
            return multikey.public_key_from_jwk(jwk)
    except InvalidMultikeyError as error:
        raise JoseError(error.detail) from error
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise JoseError("the JWK is neither an OKP Ed25519 nor an EC P-256 key")
    x, y = _coordinate(jwk, "x"), _coordinate(jwk, "y")
    try:
        return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except ValueError as error:
        raise JoseError("the JWK's point is not on P-256") from error


def public_key_to_jwk(public_key: PublicKey) -> dict[str, str]:
    """The public JWK (RFC 8037 / RFC 7518) of an Ed25519 or P-256 key, without `kid`."""
    if isinstance(public_key, Ed25519PublicKey):
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": encode_base64url(multikey.public_key_bytes(public_key))[1:],
        }
    algorithm_of(public_key)
    numbers = public_key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": encode_base64url(numbers.x.to_bytes(_P256_COORDINATE, "big"))[1:],
        "y": encode_base64url(numbers.y.to_bytes(_P256_COORDINATE, "big"))[1:],
    }


def _coordinate(jwk: Mapping[str, Any], name: str) -> int:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise JoseError(f"the JWK has no {name!r} member")
    try:
        raw = decode_base64url(BASE64URL_NO_PAD + value)
    except MultibaseError as error:
        raise JoseError(f"the JWK's {name!r}: {error.detail}") from error
    if len(raw) != _P256_COORDINATE:
        raise JoseError(f"the JWK's {name!r} is {len(raw)} bytes, expected {_P256_COORDINATE}")
    return int.from_bytes(raw, "big")
