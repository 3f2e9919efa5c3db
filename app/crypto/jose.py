"""VC-JOSE: a credential secured as a compact JWS with EdDSA (Ed25519).

https://www.w3.org/TR/vc-jose-cose/#securing-with-jose — the JWS payload *is* the VCDM 2.0
credential (no `vc` claim, no embedded `proof`); the protected header is exactly
`{"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": …}`.

Verification raises `JoseError` on any failure: there is no partial result for a JWS. It is
one pass written here on `cryptography` (PyJWT only signs): split the compact JWS, check the
header, resolve the key by `kid`, verify the Ed25519 signature, then decode the payload.
No clock is read: `exp` / `nbf` and the credential's own `validFrom` / `validUntil` are NOT
checked here. The verifier domain checks them (with its clock), together with status and
schema.

The payload also carries the registered JWT claims Open Badges 3.0 §8.2 requires
(https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof-format), derived from the credential:
`iss` (the issuer id), `jti` (the credential id), `nbf` (`validFrom`), `exp` (`validUntil`,
when present) and `sub` (the subject's id, when there is one); VC-JOSE allows them beside
the credential. `verify_vc_jwt` refuses a token whose claims disagree with its credential.
OB 3.0's header differs (`typ: JWT`, no `cty`): `sign_ob3_jwt` makes that form of the same
payload, for consumers that follow OB 3.0's JWT section; `verify_vc_jwt` takes VC-JOSE's.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.crypto.errors import JoseError
from app.crypto.vcdm import VC_JWT_MEDIA_TYPE, VC_MEDIA_TYPE, VP_JWT_MEDIA_TYPE, VP_MEDIA_TYPE

ALGORITHM = "EdDSA"
TYP = "vc+jwt"
CTY = "vc"
MEDIA_TYPE = VC_JWT_MEDIA_TYPE
OB3_TYP = "JWT"
OB3_MEDIA_TYPE = "application/jwt"

_ACCEPTED_TYP = frozenset({TYP, MEDIA_TYPE})
_ACCEPTED_CTY = frozenset({CTY, VC_MEDIA_TYPE})
VP_TYP = "vp+jwt"
_ACCEPTED_VP_TYP = frozenset({VP_TYP, VP_JWT_MEDIA_TYPE})
_ACCEPTED_VP_CTY = frozenset({"vp", VP_MEDIA_TYPE})
# Headers that would let the token choose its own verification key (RFC 7515 §4.1.3–4.1.6),
# or change how the payload is read (crit, b64: RFC 7515 §4.1.11, RFC 7797).
_FORBIDDEN_HEADERS = frozenset({"jwk", "jku", "x5u", "x5c", "crit", "b64"})
# VC-JOSE forbids the VC-JWT 1.1 wrapper claims (https://www.w3.org/TR/vc-jose-cose/#securing-with-jose).
_FORBIDDEN_CLAIMS = frozenset({"vc", "vp"})
MAX_TOKEN_LENGTH: Final = 1_048_576
"""A longer token is refused before it is decoded (the API's body limit is the same size)."""
SIGNATURE_LENGTH: Final = 64
"""An Ed25519 signature (RFC 8032 §5.1.6)."""
_TO_STANDARD_ALPHABET: Final = bytes.maketrans(b"-_", b"+/")


def sign_vc_jwt(credential: Mapping[str, Any], *, private_key: Ed25519PrivateKey, kid: str) -> str:
    """Sign `credential` as a compact JWS (`application/vc+jwt`).

    A credential that already carries a Data Integrity `proof`, or a `vc` / `vp` claim, is
    refused: the JWS is the only securing mechanism of its payload.
    """
    if not kid:
        raise JoseError("kid is required")
    if "proof" in credential:
        raise JoseError("a credential with an embedded proof cannot be secured as vc+jwt")
    return _sign(credential, private_key=private_key, headers={"typ": TYP, "cty": CTY, "kid": kid})


def sign_ob3_jwt(credential: Mapping[str, Any], *, private_key: Ed25519PrivateKey, kid: str) -> str:
    """The Open Badges 3.0 §8.2 form of `sign_vc_jwt`: the same payload (the credential and
    its registered claims), the header `{"alg", "typ": "JWT", "kid"}` with no `cty`
    (https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof-format)."""
    if not kid:
        raise JoseError("kid is required")
    if "proof" in credential:
        raise JoseError("a credential with an embedded proof cannot be secured as a JWT")
    return _sign(credential, private_key=private_key, headers={"typ": OB3_TYP, "kid": kid})


def _sign(
    credential: Mapping[str, Any], *, private_key: Ed25519PrivateKey, headers: dict[str, str]
) -> str:
    forbidden = sorted(_FORBIDDEN_CLAIMS.intersection(credential))
    if forbidden:
        raise JoseError(f"the payload must not contain the claims {forbidden}")
    payload = {**credential, **registered_claims(credential)}
    try:
        return jwt.encode(payload, private_key, algorithm=ALGORITHM, headers=headers)
    except (jwt.PyJWTError, TypeError, ValueError) as error:
        raise JoseError(f"cannot sign the credential: {error}") from error


@dataclass(frozen=True, slots=True)
class CompactJws:
    """A compact JWS split and decoded by `decode_compact_jws`; nothing in it checked yet.

    `payload` is what `verify_vc_jwt` returns once `signature` verifies over
    `signing_input`: make one only with `decode_compact_jws`, and do not modify it.
    """

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def decode_compact_jws(token: str) -> CompactJws:
    """Split a compact JWS (RFC 7515 §7.1) and decode its header and payload, unverified.

    For a caller that reads the claimed payload before verifying it (to find its issuer),
    and then passes the result to `verify_vc_jwt` so the token is not decoded twice. Raises
    `JoseError` unless the token has three unpadded base64url segments (at most
    `MAX_TOKEN_LENGTH` characters) whose header and payload are UTF-8 JSON objects.
    """
    header_segment, payload_segment, signature_segment = _split(token)
    return CompactJws(
        header=_json_object(header_segment, "header"),
        payload=_json_object(payload_segment, "payload"),
        signing_input=_signing_input(header_segment, payload_segment),
        signature=_base64url(signature_segment, "signature"),
    )


def decode_vc_jwt_header(token: str | CompactJws) -> dict[str, Any]:
    """The protected header of a vc+jwt, checked but with the signature NOT yet verified.

    Checks: the token is a compact JWS (three unpadded base64url segments, at most
    `MAX_TOKEN_LENGTH` characters) whose header is a JSON object; `alg` is exactly EdDSA (so
    `none`, HS*, RS*, ES* are refused before any key is looked up: no algorithm confusion),
    `typ` is `vc+jwt` or `application/vc+jwt`, `cty` (if present) is `vc`, `kid` is a
    non-empty string, and no header names its own key or changes how the payload is read.
    """
    if isinstance(token, CompactJws):
        header = token.header
    else:
        header = _json_object(_split(token)[0], "header")
    _check_header(header)
    return header


def verify_vc_jwt(
    token: str | CompactJws, *, resolve_key: Callable[[str], Ed25519PublicKey]
) -> dict[str, Any]:
    """Verify a vc+jwt (or one `decode_compact_jws` decoded) and return its payload.

    `resolve_key(kid)` returns the issuer's Ed25519 public key for the header's `kid` and
    raises `LookupError` (e.g. `KeyError`) for an unknown kid. Besides the header checks of
    `decode_vc_jwt_header`: the EdDSA signature over the ASCII signing input must verify
    (RFC 7515 §5.2, RFC 8037 §3.1); the payload must be a JSON object without `vc` / `vp`;
    if `iss` is present it must equal the credential's issuer id. Given a string, the
    payload is decoded only once the signature has verified.

    No clock is read here: `exp` / `nbf` (like `validFrom` / `validUntil`) are returned with
    the payload and judged by the verifier's validity check, which has its clock.
    """
    if isinstance(token, CompactJws):
        _verify_signature(token.header, token.signing_input, token.signature, resolve_key)
        claims = token.payload
    else:
        header_segment, payload_segment, signature_segment = _split(token)
        _verify_signature(
            _json_object(header_segment, "header"),
            _signing_input(header_segment, payload_segment),
            _base64url(signature_segment, "signature"),
            resolve_key,
        )
        claims = _json_object(payload_segment, "payload")
    forbidden = sorted(_FORBIDDEN_CLAIMS.intersection(claims))
    if forbidden:
        raise JoseError(f"the payload must not contain the claims {forbidden}")
    expected = registered_claims(claims)
    for name in REGISTERED_CLAIMS:
        if name in claims and claims[name] != expected.get(name):
            raise JoseError(f"the {name} claim does not match the credential")
    return claims


def verify_vp_jwt(
    token: CompactJws, *, resolve_key: Callable[[str], Ed25519PublicKey]
) -> dict[str, Any]:
    """Verify a VC-JOSE presentation (`application/vp+jwt`) and return its payload, the
    presentation itself (https://www.w3.org/TR/vc-jose-cose/#securing-vps-with-jose).

    The header rules are those of `verify_vc_jwt` with `typ` `vp+jwt` (and `cty` `vp`); a
    `vc` / `vp` claim (the VC-JWT 1.1 wrappers) is refused. `nonce` and `aud` are returned
    for the verifier to compare with the challenge and domain it asked for.
    """
    _verify_signature(
        token.header, token.signing_input, token.signature, resolve_key, presentation=True
    )
    forbidden = sorted(_FORBIDDEN_CLAIMS.intersection(token.payload))
    if forbidden:
        raise JoseError(f"the payload must not contain the claims {forbidden}")
    return token.payload


def _verify_signature(
    header: dict[str, Any],
    signing_input: bytes,
    signature: bytes,
    resolve_key: Callable[[str], Ed25519PublicKey],
    *,
    presentation: bool = False,
) -> None:
    """The header checks, then the key by `kid`, then the Ed25519 signature (RFC 8037 §3.1)."""
    kid = _check_header(header, presentation=presentation)
    try:
        public_key = resolve_key(kid)
    except LookupError as error:
        raise JoseError(f"unknown kid {kid!r}") from error
    if not isinstance(public_key, Ed25519PublicKey):
        raise JoseError("the key for kid is not an Ed25519 public key")
    if len(signature) != SIGNATURE_LENGTH:
        raise JoseError(f"malformed JWS: an EdDSA signature is {SIGNATURE_LENGTH} bytes")
    try:
        public_key.verify(signature, signing_input)
    except InvalidSignature as error:
        raise JoseError("JWS verification failed: the signature does not match") from error


def _check_header(header: dict[str, Any], *, presentation: bool = False) -> str:
    """The protected header's rules (see `decode_vc_jwt_header`); returns its `kid`."""
    typs, ctys = (
        (_ACCEPTED_VP_TYP, _ACCEPTED_VP_CTY) if presentation else (_ACCEPTED_TYP, _ACCEPTED_CTY)
    )
    if header.get("alg") != ALGORITHM:
        raise JoseError(f"alg {header.get('alg')!r} is not accepted; only {ALGORITHM}")
    if header.get("typ") not in typs:
        raise JoseError(f"typ {header.get('typ')!r} is not {min(typs, key=len)}")
    if "cty" in header and header["cty"] not in ctys:
        raise JoseError(f"cty {header['cty']!r} is not {min(ctys, key=len)}")
    forbidden = sorted(_FORBIDDEN_HEADERS.intersection(header))
    if forbidden:
        raise JoseError(f"the headers {forbidden} are not accepted")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise JoseError("kid is required")
    return kid


def _split(token: str) -> tuple[str, str, str]:
    """The three segments of a compact JWS (RFC 7515 §7.1); each is checked when decoded."""
    if not isinstance(token, str):
        raise JoseError("malformed JWS: not a string")
    if len(token) > MAX_TOKEN_LENGTH:
        raise JoseError(f"malformed JWS: longer than {MAX_TOKEN_LENGTH} characters")
    segments = token.split(".")
    if len(segments) != 3 or not segments[0] or not token.isascii():
        raise JoseError("malformed JWS: not three base64url segments joined by dots")
    header_segment, payload_segment, signature_segment = segments
    return header_segment, payload_segment, signature_segment


def _signing_input(header_segment: str, payload_segment: str) -> bytes:
    # `_split` admits only ASCII, so this encoding cannot fail.
    return f"{header_segment}.{payload_segment}".encode("ascii")


def _base64url(segment: str, part: str) -> bytes:
    """Unpadded base64url (RFC 7515 §2): its alphabet only; no padding, no whitespace."""
    data = segment.encode("ascii")
    if b"+" in data or b"/" in data or b"=" in data:
        raise JoseError(f"malformed JWS: the {part} is not base64url")
    try:
        # Strict: any character outside the alphabet is an error, never skipped.
        return binascii.a2b_base64(
            data.translate(_TO_STANDARD_ALPHABET) + b"=" * (-len(data) % 4), strict_mode=True
        )
    except binascii.Error as error:  # another character, or a length of 1 modulo 4
        raise JoseError(f"malformed JWS: the {part} is not base64url") from error


def _json_object(segment: str, part: str) -> dict[str, Any]:
    raw = _base64url(segment, part)
    try:
        # UTF-8 only (RFC 7515 §2), though json.loads would also guess UTF-16 or UTF-32.
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise JoseError(f"malformed JWS: the {part} is not UTF-8 JSON") from error
    if not isinstance(value, dict):
        raise JoseError(f"malformed JWS: the {part} is not a JSON object")
    return value


REGISTERED_CLAIMS: Final = ("iss", "jti", "nbf", "exp", "sub")


def _numeric_date(value: Any) -> int | None:
    """An XML Schema dateTime as a JWT NumericDate (RFC 7519 §2), or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return int(moment.timestamp())


def registered_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The OB 3.0 §8.2 JWT claims of a credential: iss, jti, nbf, exp and sub, each only
    when the credential has what it is derived from."""
    claims: dict[str, Any] = {}
    issuer = issuer_id(credential)
    if issuer is not None:
        claims["iss"] = issuer
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    for name, source in (("nbf", "validFrom"), ("exp", "validUntil")):
        moment = _numeric_date(credential.get(source))
        if moment is not None:
            claims[name] = moment
    subject = credential.get("credentialSubject")
    if isinstance(subject, Mapping) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    return claims


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The credential's issuer id: `issuer` when a string, else `issuer.id`."""
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None
