"""Admin API for signing keys: list, rotate, retire."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.auth.dependencies import AdminUser, SettingsDep, StaffReader
from app.crypto.did import did_web_from_url, verification_method_id
from app.db import SessionDep, utcnow
from app.keys import service
from app.keys.dependencies import KeyCacheDep, KeyStoreDep
from app.keys.models import KeyAlgorithm, KeyPurpose, SigningKey
from app.keys.schemas import KeyRetire, SigningKeyRead
from app.routing import ProblemRoute

router = APIRouter(prefix="/api/v1/admin/keys", tags=["keys"], route_class=ProblemRoute)


def _read(key: SigningKey, did: str) -> SigningKeyRead:
    read = SigningKeyRead.model_validate(key)
    read.verification_method = verification_method_id(did, key.kid)
    return read


@router.get("", response_model=list[SigningKeyRead])
def list_keys(
    session: SessionDep, settings: SettingsDep, _staff: StaffReader
) -> list[SigningKeyRead]:
    """Every signing key, newest first, with its status."""
    did = did_web_from_url(settings.public_base_url)
    return [_read(key, did) for key in service.list_keys(session)]


@router.post("/rotate", response_model=SigningKeyRead, status_code=status.HTTP_201_CREATED)
def rotate_key(
    session: SessionDep,
    settings: SettingsDep,
    store: KeyStoreDep,
    admin: AdminUser,
    algorithm: Annotated[
        KeyAlgorithm, Query(description="EdDSA (Ed25519, the default) or ES256 (P-256)")
    ] = KeyAlgorithm.eddsa,
    purpose: Annotated[
        KeyPurpose,
        Query(
            description="assertion (signs credentials, the default) or authentication (the "
            "verifier's key for OpenID4VP Request Objects; ES256 only)"
        ),
    ] = KeyPurpose.assertion,
) -> SigningKeyRead:
    """Make a new key of one algorithm the signing key; earlier keys stay published so their
    credentials verify."""
    if purpose is KeyPurpose.authentication:
        algorithm = KeyAlgorithm.es256
    key = service.rotate_key(
        session, store=store, now=utcnow(), actor=admin, algorithm=algorithm, purpose=purpose
    )
    return _read(key, did_web_from_url(settings.public_base_url))


@router.post("/{kid}/retire", response_model=SigningKeyRead)
def retire_key(
    kid: str,
    body: KeyRetire,
    session: SessionDep,
    settings: SettingsDep,
    store: KeyStoreDep,
    cache: KeyCacheDep,
    admin: AdminUser,
) -> SigningKeyRead:
    """Withdraw a key from the DID document (e.g. compromise); its private half is destroyed."""
    key = service.retire_key(
        session, store=store, kid=kid, reason=body.reason, now=utcnow(), actor=admin
    )
    cache.forget(kid)
    return _read(key, did_web_from_url(settings.public_base_url))
