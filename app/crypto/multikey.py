"""Ed25519 keys as Multikey, JWK and did:key values.

- Multikey: https://www.w3.org/TR/cid-1.0/#Multikey — `publicKeyMultibase` is `z` + base58btc
  of the multicodec header 0xed01 + the 32-byte key (so it starts `z6Mk`); `secretKeyMultibase`
  uses header 0x8026 (multicodec `ed25519-priv`), as in the W3C vc-di-eddsa test key pair.
- eddsa-rdfc-2022 requires exactly this encoding for verification methods:
  https://www.w3.org/TR/vc-di-eddsa/#multikey
- JWK: RFC 8037 §2 (`kty` OKP, `crv` Ed25519, `x`); published keys never carry `d`.
- did:key: https://w3c-ccg.github.io/did-method-key/ — `did:key:` + the same `z6Mk…` value.
- P-256 (for ES256 wallet formats): multicodec `p256-pub` 0x1200 (varint 0x8024) + the
  33-byte compressed point (SEC 1 §2.3.3), so the value starts `zDn`
  (https://www.w3.org/TR/vc-di-ecdsa/#multikey).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from app.crypto.errors import InvalidMultikeyError
from app.crypto.multibase import (
    BASE64URL_NO_PAD,
    MultibaseError,
    decode_base58btc,
    decode_base64url,
    encode_base58btc,
    encode_base64url,
)

ED25519_PUBLIC_HEADER = b"\xed\x01"
ED25519_PRIVATE_HEADER = b"\x80\x26"
P256_PUBLIC_HEADER = b"\x80\x24"
KEY_LENGTH = 32
P256_COMPRESSED_LENGTH = 33
DID_KEY_PREFIX = "did:key:"

# JWK members that would disclose private key material (RFC 7517 §9.2, RFC 8037 §2).
_PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def generate_private_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 private key from the operating system's CSPRNG."""
    return Ed25519PrivateKey.generate()


def public_key_bytes(public_key: Ed25519PublicKey) -> bytes:
    """The raw 32-byte Ed25519 public key (RFC 8032 §5.1.5)."""
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def private_key_bytes(private_key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte Ed25519 private key seed (RFC 8032 §5.1.5)."""
    return private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def public_key_to_multibase(public_key: Ed25519PublicKey) -> str:
    """Encode a public key as a Multikey `publicKeyMultibase` value (`z6Mk…`)."""
    return encode_base58btc(ED25519_PUBLIC_HEADER + public_key_bytes(public_key))


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """Decode a Multikey `publicKeyMultibase`; anything but `z` + 0xed01 + 32 bytes is refused.

    https://www.w3.org/TR/vc-di-eddsa/#multikey
    """
    raw = _decode_multikey(value, header=ED25519_PUBLIC_HEADER, what="public")
    return Ed25519PublicKey.from_public_bytes(raw)


def private_key_to_multibase(private_key: Ed25519PrivateKey) -> str:
    """Encode a private key as a Multikey `secretKeyMultibase` value (header 0x8026)."""
    return encode_base58btc(ED25519_PRIVATE_HEADER + private_key_bytes(private_key))


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    """Decode a Multikey `secretKeyMultibase`; anything but `z` + 0x8026 + 32 bytes is refused."""
    raw = _decode_multikey(value, header=ED25519_PRIVATE_HEADER, what="secret")
    return Ed25519PrivateKey.from_private_bytes(raw)


def p256_public_key_to_multibase(public_key: ec.EllipticCurvePublicKey) -> str:
    """Encode a P-256 public key as a Multikey `publicKeyMultibase` value (`zDn…`)."""
    if not isinstance(public_key.curve, ec.SECP256R1):
        raise InvalidMultikeyError("only P-256 elliptic-curve keys are accepted")
    point = public_key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    return encode_base58btc(P256_PUBLIC_HEADER + point)


def p256_public_key_from_multibase(value: str) -> ec.EllipticCurvePublicKey:
    """Decode a P-256 Multikey (`z` + 0x8024 + 33-byte compressed point); else refused."""
    raw = _decode_multikey(
        value, header=P256_PUBLIC_HEADER, what="P-256 public", length=P256_COMPRESSED_LENGTH
    )
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as error:
        raise InvalidMultikeyError("P-256 public key is not a point on the curve") from error


def _decode_multikey(value: str, *, header: bytes, what: str, length: int = KEY_LENGTH) -> bytes:
    try:
        decoded = decode_base58btc(value, max_length=128)
    except MultibaseError as error:
        raise InvalidMultikeyError(f"{what} key multibase: {error.detail}") from error
    if decoded[:2] != header:
        raise InvalidMultikeyError(
            f"{what} key multicodec header is 0x{decoded[:2].hex()}, expected 0x{header.hex()}"
        )
    if len(decoded) != len(header) + length:
        raise InvalidMultikeyError(
            f"{what} key is {len(decoded) - len(header)} bytes, expected {length}"
        )
    return decoded[len(header) :]


def public_key_to_jwk(public_key: Ed25519PublicKey, *, kid: str) -> dict[str, str]:
    """The public JWK of an Ed25519 key (RFC 8037 §2), with `kid` and no private members."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": encode_base64url(public_key_bytes(public_key))[1:],
        "kid": kid,
    }


def public_key_from_jwk(jwk: Mapping[str, Any]) -> Ed25519PublicKey:
    """Read an Ed25519 public JWK; a JWK with private members or another key type is refused."""
    private = sorted(_PRIVATE_JWK_MEMBERS.intersection(jwk))
    if private:
        raise InvalidMultikeyError(f"JWK carries private members {private}")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise InvalidMultikeyError("JWK is not an OKP Ed25519 key")
    x = jwk.get("x")
    if not isinstance(x, str):
        raise InvalidMultikeyError("JWK has no 'x' member")
    try:
        raw = decode_base64url(BASE64URL_NO_PAD + x)
    except MultibaseError as error:
        raise InvalidMultikeyError(f"JWK 'x': {error.detail}") from error
    if len(raw) != KEY_LENGTH:
        raise InvalidMultikeyError(f"JWK 'x' is {len(raw)} bytes, expected {KEY_LENGTH}")
    return Ed25519PublicKey.from_public_bytes(raw)


def did_key_from_public_key(public_key: Ed25519PublicKey) -> str:
    """The did:key DID of an Ed25519 public key (`did:key:z6Mk…`)."""
    return DID_KEY_PREFIX + public_key_to_multibase(public_key)


def did_key_verification_method(public_key: Ed25519PublicKey) -> str:
    """The did:key verification method id: `did:key:z6Mk…#z6Mk…`."""
    multibase = public_key_to_multibase(public_key)
    return f"{DID_KEY_PREFIX}{multibase}#{multibase}"


def public_key_from_did_key(did_or_method: str) -> Ed25519PublicKey:
    """The Ed25519 public key named by a did:key DID or verification method id.

    A fragment, when present, must repeat the method-specific id (the did:key rule).
    """
    if not did_or_method.startswith(DID_KEY_PREFIX):
        raise InvalidMultikeyError("not a did:key identifier")
    did, _, fragment = did_or_method.partition("#")
    multibase = did[len(DID_KEY_PREFIX) :]
    if fragment and fragment != multibase:
        raise InvalidMultikeyError("did:key fragment does not match the key")
    return public_key_from_multibase(multibase)
