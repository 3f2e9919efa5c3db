"""Multibase encodings used by our specs: base58btc (`z`) and base64url without padding (`u`).

https://www.w3.org/TR/cid-1.0/#multibase-0 — only these two bases are accepted; any other
header is an error, so one value has one encoding.
"""

from __future__ import annotations

import base64
import binascii
import re

import base58

from app.crypto.errors import CryptoError

BASE58BTC = "z"
BASE64URL_NO_PAD = "u"

_BASE64URL_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


class MultibaseError(CryptoError):
    """A multibase value has the wrong header or is not valid in its base."""

    code = "MULTIBASE_ERROR"


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: `z` followed by the Bitcoin-alphabet base58 of `data`."""
    return BASE58BTC + base58.b58encode(data).decode("ascii")


def decode_base58btc(value: str, *, max_length: int = 4096) -> bytes:
    """Decode a `z…` multibase value.

    `max_length` bounds the input because base58 decoding is quadratic in its length and
    values can come from untrusted documents.
    """
    if not value.startswith(BASE58BTC):
        raise MultibaseError("multibase value does not start with 'z' (base58btc)")
    if len(value) > max_length:
        raise MultibaseError(f"multibase value is longer than {max_length} characters")
    try:
        return base58.b58decode(value[1:])
    except ValueError as error:
        raise MultibaseError(f"invalid base58btc: {error}") from error


def encode_base64url(data: bytes) -> str:
    """Multibase base64url without padding: `u` followed by RFC 4648 §5 text, no `=`."""
    return BASE64URL_NO_PAD + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def decode_base64url(value: str) -> bytes:
    """Decode a `u…` multibase value; padding and characters outside the alphabet are refused."""
    if not value.startswith(BASE64URL_NO_PAD):
        raise MultibaseError("multibase value does not start with 'u' (base64url, no padding)")
    text = value[1:]
    # The stdlib decoder silently skips characters outside the alphabet; refuse them instead.
    if _BASE64URL_ALPHABET.fullmatch(text) is None:
        raise MultibaseError("invalid base64url: characters outside the alphabet or padding")
    if len(text) % 4 == 1:
        raise MultibaseError("invalid base64url: impossible length")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise MultibaseError(f"invalid base64url: {error}") from error
