"""IETF Token Status List (draft-ietf-oauth-status-list), in its JWT form.

https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/ — a list of `bits`-wide
statuses (1, 2, 4 or 8 bits each), packed from the least significant bit of byte 0
(status 0 in bits 0..bits-1 of byte 0, status 1 in the next bits, …), compressed with
DEFLATE in the ZLIB format and base64url-encoded (`lst`). That order is the reverse of the
Bitstring Status List's (index 0 in the high bit), and its compression is ZLIB, not GZIP.

The Status List Token is a JWT with `typ` `statuslist+jwt`, `sub` (the URI it is served at),
`iat`, optional `exp` and `ttl`, and `status_list: {bits, lst}`. A credential points at it
with `status: {status_list: {idx, uri}}`.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from app.crypto import jws
from app.crypto.errors import JoseError, TokenStatusListError

TYP: Final = "statuslist+jwt"
MEDIA_TYPE: Final = "application/statuslist+jwt"
VALID: Final = 0x00
INVALID: Final = 0x01
SUSPENDED: Final = 0x02
BITS: Final = frozenset({1, 2, 4, 8})
MAX_LENGTH_BYTES: Final = 16 * 1024 * 1024
"""A list fetched from elsewhere is not inflated beyond this (a ZLIB bomb expands ~1000x)."""


class StatusList:
    """`length` statuses of `bits` bits each, all VALID unless given `data`."""

    __slots__ = ("_data", "bits")

    def __init__(self, length: int, *, bits: int, data: bytes | None = None) -> None:
        if bits not in BITS:
            raise TokenStatusListError(f"bits is one of 1, 2, 4, 8, not {bits!r}")
        self.bits = bits
        size = -(-length * bits // 8)
        if data is not None and len(data) < size:
            raise TokenStatusListError("the status list is shorter than its length")
        self._data = bytearray(data if data is not None else bytes(size))

    @property
    def length(self) -> int:
        """How many statuses the list holds."""
        return len(self._data) * 8 // self.bits

    def get(self, index: int) -> int:
        """The status at `index`."""
        byte, shift = self._locate(index)
        return (self._data[byte] >> shift) & ((1 << self.bits) - 1)

    def set(self, index: int, status: int) -> None:
        """Set the status at `index` (0 .. 2**bits - 1)."""
        if not 0 <= status < (1 << self.bits):
            raise TokenStatusListError(f"status {status} does not fit in {self.bits} bits")
        byte, shift = self._locate(index)
        mask = ((1 << self.bits) - 1) << shift
        self._data[byte] = (self._data[byte] & ~mask & 0xFF) | (status << shift)

    def to_bytes(self) -> bytes:
        return bytes(self._data)

    def _locate(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.length:
            raise TokenStatusListError(f"index {index!r} is outside the status list")
        position = index * self.bits
        return position // 8, position % 8


def encode(status_list: StatusList) -> str:
    """`lst`: the list ZLIB-compressed (best compression) and base64url-encoded."""
    compressed = zlib.compress(status_list.to_bytes(), level=9)
    return base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(lst: str, *, bits: int) -> StatusList:
    """The status list of an `lst` value; refused when malformed or inflating too far."""
    if not isinstance(lst, str) or not lst.isascii():
        raise TokenStatusListError("lst is a base64url string")
    try:
        compressed = base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4))
        inflater = zlib.decompressobj()
        data = inflater.decompress(compressed, MAX_LENGTH_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise TokenStatusListError("lst is truncated or inflates beyond the limit")
    except (binascii.Error, ValueError, zlib.error) as error:
        raise TokenStatusListError("lst is not base64url ZLIB data") from error
    return StatusList(len(data) * 8 // bits if bits in BITS else 0, bits=bits, data=data)


def token_claims(
    status_list: StatusList, *, uri: str, issued_at: int, ttl: int, expires_at: int | None
) -> dict[str, Any]:
    """The claims of a Status List Token served at `uri`."""
    claims: dict[str, Any] = {
        "sub": uri,
        "iat": issued_at,
        "ttl": ttl,
        "status_list": {"bits": status_list.bits, "lst": encode(status_list)},
    }
    if expires_at is not None:
        claims["exp"] = expires_at
    return claims


def sign_token(claims: Mapping[str, Any], *, private_key: jws.PrivateKey, kid: str) -> str:
    """The Status List Token: `claims` signed as a `statuslist+jwt`."""
    return jws.sign(claims, private_key=private_key, headers={"typ": TYP, "kid": kid})


@dataclass(frozen=True, slots=True)
class StatusListToken:
    """A verified Status List Token."""

    uri: str
    issued_at: int
    expires_at: int | None
    ttl: int | None
    status_list: StatusList


def verify_token(token: str, *, public_key: jws.PublicKey, uri: str, now: float) -> StatusListToken:
    """Verify a Status List Token fetched from `uri` at `now` (seconds since the epoch)."""
    try:
        compact = jws.decode(token)
        if compact.header.get("typ") != TYP:
            raise TokenStatusListError(f"typ is not {TYP}")
        jws.verify(compact, public_key)
    except JoseError as error:
        raise TokenStatusListError(error.detail) from error
    claims = compact.payload
    if claims.get("sub") != uri:
        raise TokenStatusListError("the token's sub is not the URI it was fetched from")
    issued_at, expires_at, ttl = claims.get("iat"), claims.get("exp"), claims.get("ttl")
    if not isinstance(issued_at, int | float) or not _is_time(issued_at):
        raise TokenStatusListError("iat is a NumericDate")
    if expires_at is not None and not (
        isinstance(expires_at, int | float) and _is_time(expires_at)
    ):
        raise TokenStatusListError("exp, when present, is a NumericDate")
    if expires_at is not None and expires_at <= now:
        raise TokenStatusListError("the status list token has expired")
    body = claims.get("status_list")
    if not isinstance(body, Mapping) or body.get("bits") not in BITS:
        raise TokenStatusListError("status_list has no valid bits")
    lst = body.get("lst")
    if not isinstance(lst, str):
        raise TokenStatusListError("status_list.lst is a string")
    return StatusListToken(
        uri=uri,
        issued_at=int(issued_at),
        expires_at=None if expires_at is None else int(expires_at),
        ttl=int(ttl) if isinstance(ttl, int | float) and _is_time(ttl) else None,
        status_list=decode(lst, bits=int(body["bits"])),
    )


def reference(claims: Mapping[str, Any]) -> tuple[int, str]:
    """The `(idx, uri)` of a credential's `status.status_list` claim."""
    status = claims.get("status")
    entry = status.get("status_list") if isinstance(status, Mapping) else None
    if not isinstance(entry, Mapping):
        raise TokenStatusListError("the credential has no status.status_list")
    index, uri = entry.get("idx"), entry.get("uri")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise TokenStatusListError("status_list.idx is a non-negative integer")
    if not isinstance(uri, str) or not uri:
        raise TokenStatusListError("status_list.uri is a URI")
    return index, uri


def _is_time(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
