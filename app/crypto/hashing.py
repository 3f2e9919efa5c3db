"""Open Badges 3.0 IdentityHash: a salted hash that identifies a recipient without disclosing them.

https://www.imsglobal.org/spec/ob/v3p0/ (Data Types, IdentityHash) — "an algorithm identifier, a `$`
separator, and a hash across an identifier and an optionally appended salt string". Only
`md5` and `sha256` exist; identifier and salt are UTF-8; the hash is hex in either case.
Example from the spec: `sha256$b5809d8a…f399` is SHA-256 of `a@example.comKosher`.

We issue only `sha256`; `md5` is accepted when checking hashes made by others.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from app.crypto.errors import IdentityHashError

SHA256 = "sha256"
MD5 = "md5"

_HASH_FORM = re.compile(r"(sha256|md5)\$([0-9A-Fa-f]+)")
_HEX_LENGTH = {SHA256: 64, MD5: 32}


def identity_hash(identifier: str, *, salt: str | None) -> str:
    """`sha256$` + lowercase hex SHA-256 of UTF-8 (identifier + salt), exactly as the spec says.

    The identifier is hashed as given; use `email_identity_hash` for email addresses.
    """
    data = (identifier + (salt or "")).encode("utf-8")
    return f"{SHA256}${hashlib.sha256(data).hexdigest()}"


def normalize_email(email: str) -> str:
    """The form of an email address we hash: surrounding whitespace removed, lowercased.

    Mail providers treat addresses case-insensitively in practice, and a recipient proving
    ownership should not fail on "Ana@Example.org" versus "ana@example.org".
    """
    normalized = email.strip().lower()
    if "@" not in normalized or any(character.isspace() for character in normalized):
        raise IdentityHashError("not an email address")
    return normalized


def email_identity_hash(email: str, *, salt: str | None) -> str:
    """The IdentityHash of an email address (normalized by `normalize_email`)."""
    return identity_hash(normalize_email(email), salt=salt)


def identity_hash_matches(expected: str, identifier: str, *, salt: str | None) -> bool:
    """Whether `expected` (a `sha256$…` or `md5$…` IdentityHash) is the hash of identifier+salt.

    Compares in constant time; a malformed `expected` raises `IdentityHashError`.
    """
    match = _HASH_FORM.fullmatch(expected)
    if match is None:
        raise IdentityHashError("an IdentityHash is 'sha256$<hex>' or 'md5$<hex>'")
    algorithm, digest = match.group(1), match.group(2).lower()
    if len(digest) != _HEX_LENGTH[algorithm]:
        raise IdentityHashError(
            f"a {algorithm} IdentityHash has {_HEX_LENGTH[algorithm]} hex digits"
        )
    data = (identifier + (salt or "")).encode("utf-8")
    if algorithm == SHA256:
        actual = hashlib.sha256(data).hexdigest()
    else:
        # MD5 only to check hashes others issued, as the spec still allows them.
        actual = hashlib.md5(data, usedforsecurity=False).hexdigest()
    return hmac.compare_digest(actual, digest)
