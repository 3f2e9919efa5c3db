"""The issuer's identity as published now: its DID and its verification keys."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from app.config import Settings
from app.crypto.did import did_web_from_url
from app.issuer.identity import PublishedJwsKey, PublishedKey
from app.keys import service as keys_service
from app.keys.models import KeyPurpose


def issuer_did(settings: Settings) -> str:
    """The did:web derived from the public base URL."""
    return _did_web(settings.public_base_url)


_did_web = lru_cache(maxsize=8)(did_web_from_url)  # read on every verification


def published_identity(session: Session, *, settings: Settings) -> tuple[str, list[PublishedKey]]:
    """The DID and every Ed25519 key a verifier of Data Integrity proofs and vc+jwt may use
    (active and published, not retired)."""
    keys = [
        PublishedKey(
            kid=key.kid,
            public_key_multibase=key.public_key_multibase,
            public_key=keys_service.public_key_of(key),
        )
        for key in keys_service.published_keys(session)
    ]
    return issuer_did(settings), keys


def published_document_keys(
    session: Session, *, settings: Settings, purpose: KeyPurpose = KeyPurpose.assertion
) -> tuple[str, list[PublishedJwsKey]]:
    """The DID and every key the DID document and JWKS publish: Ed25519 and P-256 alike
    (the credential-signing keys, unless `purpose` names the verifier's)."""
    keys = [
        PublishedJwsKey(
            kid=key.kid,
            public_key_multibase=key.public_key_multibase,
            public_key=keys_service.jws_public_key_of(key),
            algorithm=key.algorithm,
        )
        for key in keys_service.published_keys(session, algorithm=None, purpose=purpose)
    ]
    return issuer_did(settings), keys
