"""Errors of the wallet formats."""

from __future__ import annotations

from app.errors import Conflict, ValidationFailed


class InvalidHolderKey(ValidationFailed):
    slug = "invalid-holder-key"
    title = "The holder's key is not a public Ed25519 or P-256 JWK"


class UnsupportedAlgorithm(ValidationFailed):
    slug = "unsupported-algorithm"
    title = "The issuer signs wallet credentials with EdDSA or ES256 only"


class CredentialNotIssuable(Conflict):
    slug = "credential-not-issuable"
    title = "A revoked credential is not issued to a wallet"
