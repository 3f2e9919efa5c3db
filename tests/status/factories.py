"""Factories for status tests: Credential rows inserted through the ORM with real allocations.

The issuance service builds real credentials; these rows carry only what status lists need
(a standard, a provider, an issue date, a status and the two allocated entries).
"""

from __future__ import annotations

import base64
import gzip
import uuid
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.credentials.models import Credential, CredentialStatus
from app.credentials.signing import IssuerSigner, current_signer
from app.db import utcnow
from app.standards import service as standards_service
from app.standards.models import Standard
from app.status import service as status_service
from app.status.models import StatusPurpose
from tests.factories import ensure_signing_key


def seeded_standard(app: FastAPI, db: Session) -> Standard:
    """A stored standard (the seed files are loaded on first use)."""
    standard = db.scalar(select(Standard).order_by(Standard.id).limit(1))
    if standard is None:
        standards_service.seed_standards(
            db, directory=app.state.settings.curricula_dir, now=utcnow()
        )
        db.commit()
        standard = db.scalar(select(Standard).order_by(Standard.id).limit(1))
    assert standard is not None
    return standard


def create_credentials(
    db: Session,
    *,
    standard: Standard,
    count: int = 1,
    provider_id: int | None = None,
    issued_at: datetime | None = None,
    status: CredentialStatus = CredentialStatus.active,
) -> list[Credential]:
    """`count` committed credentials with distinct revocation and suspension entries."""
    issued_at = issued_at or utcnow()
    revocations = status_service.allocate(
        db, purpose=StatusPurpose.revocation, count=count, now=issued_at
    )
    suspensions = status_service.allocate(
        db, purpose=StatusPurpose.suspension, count=count, now=issued_at
    )
    credentials = []
    for revocation, suspension in zip(revocations, suspensions, strict=True):
        credential_id = str(uuid.uuid4())
        credential = Credential(
            id=credential_id,
            standard_id=standard.id,
            provider_id=provider_id,
            issued_by="test",
            subject_name="Ana Worker",
            subject_email_hash="sha256$" + credential_id.replace("-", ""),
            issued_at=issued_at,
            valid_from=issued_at,
            status=status.value,
            revocation_list_id=revocation.list_id,
            revocation_index=revocation.index,
            suspension_list_id=suspension.list_id,
            suspension_index=suspension.index,
            key_id="test-key",
            document={"id": f"urn:uuid:{credential_id}"},
            jwt="placeholder.jwt.value",
        )
        db.add(credential)
        credentials.append(credential)
    db.commit()
    return credentials


def create_credential(db: Session, *, standard: Standard, **fields: Any) -> Credential:
    """One committed credential (see `create_credentials`)."""
    [credential] = create_credentials(db, standard=standard, count=1, **fields)
    return credential


def signer_for(app: FastAPI, db: Session) -> IssuerSigner:
    """The app's issuer signer, with a signing key created if there is none."""
    ensure_signing_key(app, db)
    return current_signer(
        db,
        settings=app.state.settings,
        cache=app.state.key_cache,
        contexts=app.state.contexts,
    )


def set_bits(encoded_list: str) -> set[int]:
    """The indexes set in an `encodedList`, decoded with the standard library only.

    Multibase `u` + base64url without padding, GZIP, and index 0 in the high bit of byte 0.
    """
    assert encoded_list.startswith("u")
    payload = encoded_list[1:]
    raw = gzip.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert len(raw) * 8 == 2**18
    return {
        position * 8 + bit
        for position, byte in enumerate(raw)
        if byte
        for bit in range(8)
        if byte & (0x80 >> bit)
    }
