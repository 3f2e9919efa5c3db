"""Open Badges 3.0 IdentityHash: the spec's example, email normalization, checking hashes."""

from __future__ import annotations

import hashlib

import pytest

from app.crypto.errors import IdentityHashError
from app.crypto.hashing import (
    email_identity_hash,
    identity_hash,
    identity_hash_matches,
    normalize_email,
)

# OB 3.0, Data Types, IdentityHash: SHA-256 of "a@example.com" salted with "Kosher".
SPEC_EXAMPLE = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"


def test_spec_example() -> None:
    assert identity_hash("a@example.com", salt="Kosher") == SPEC_EXAMPLE


def test_without_salt_hashes_the_identifier_alone() -> None:
    expected = hashlib.sha256(b"a@example.com").hexdigest()

    assert identity_hash("a@example.com", salt=None) == f"sha256${expected}"


def test_identifier_and_salt_are_utf8() -> None:
    expected = hashlib.sha256("josé@ejemplo.mx".encode() + "sal✓".encode()).hexdigest()

    assert identity_hash("josé@ejemplo.mx", salt="sal✓") == f"sha256${expected}"


def test_email_is_trimmed_and_lowercased_before_hashing() -> None:
    assert email_identity_hash("  A@Example.COM \n", salt="Kosher") == SPEC_EXAMPLE
    assert normalize_email(" A@Example.COM ") == "a@example.com"


@pytest.mark.parametrize("email", ["", "no-at-sign", "a b@example.com"])
def test_not_an_email_is_refused(email: str) -> None:
    with pytest.raises(IdentityHashError):
        normalize_email(email)


@pytest.mark.parametrize(
    "expected",
    [
        SPEC_EXAMPLE,
        SPEC_EXAMPLE.upper().replace("SHA256$", "sha256$"),
        "md5$" + hashlib.md5(b"a@example.comKosher", usedforsecurity=False).hexdigest(),
    ],
)
def test_matching_accepts_sha256_in_either_case_and_md5(expected: str) -> None:
    assert identity_hash_matches(expected, "a@example.com", salt="Kosher")
    assert not identity_hash_matches(expected, "b@example.com", salt="Kosher")
    assert not identity_hash_matches(expected, "a@example.com", salt="Other")


@pytest.mark.parametrize(
    "expected",
    [
        "b5809d8a",
        "sha1$" + "0" * 40,
        "sha256$" + "0" * 63,
        "sha256$" + "g" * 64,
        "SHA256$" + "0" * 64,
    ],
)
def test_malformed_hashes_are_refused(expected: str) -> None:
    with pytest.raises(IdentityHashError):
        identity_hash_matches(expected, "a@example.com", salt=None)
