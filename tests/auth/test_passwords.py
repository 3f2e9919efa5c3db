"""Passwords and client secrets are hashed with Argon2id at RFC 9106's parameters.

The other tests run with cheaper parameters (tests/conftest.py); these check what production
uses, with a hasher built from the module's own parameters.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type, extract_parameters, profiles

from app.auth import passwords


def test_production_parameters_are_rfc_9106_argon2id() -> None:
    assert passwords.PARAMETERS == profiles.RFC_9106_LOW_MEMORY
    assert passwords.PARAMETERS.type is Type.ID
    encoded = PasswordHasher.from_parameters(passwords.PARAMETERS).hash("correct horse")
    assert encoded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert extract_parameters(encoded) == passwords.PARAMETERS


def test_a_hash_verifies_its_secret_only() -> None:
    encoded = passwords.hash_secret("correct horse")
    assert passwords.verify_secret(encoded, "correct horse")
    assert not passwords.verify_secret(encoded, "correct horse!")
    assert not passwords.verify_secret(None, "correct horse")
    assert not passwords.verify_secret("not a hash", "correct horse")
