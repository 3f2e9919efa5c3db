"""Slow hashing of staff passwords and client secrets (Argon2id)."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# RFC 9106's second recommended option: Argon2id, t=3, m=64 MiB, p=4.
PARAMETERS: Parameters = profiles.RFC_9106_LOW_MEMORY
_hasher = PasswordHasher.from_parameters(PARAMETERS)


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """What a secret is verified against when the account does not exist, so a miss costs as
    much as a hit and response times do not reveal which usernames or client ids exist.
    Made on first use: every process that imports this module (servers, worker pools, CLI
    commands) would otherwise spend a full Argon2id hash before doing anything."""
    return hasher.hash(secrets.token_urlsafe(16))


def hash_secret(secret: str) -> str:
    """An Argon2id hash of a password or client secret."""
    return _hasher.hash(secret)


def verify_secret(secret_hash: str | None, secret: str) -> bool:
    """Whether `secret` matches `secret_hash`; spends the same effort when there is no hash."""
    try:
        return (
            _hasher.verify(secret_hash or _dummy_hash(_hasher), secret) and secret_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False
