"""Staff management of the trust registry: pin other issuers' DID documents.

An issuer is added with its DID document as staff obtained it (e.g. from another national
node, out of band). The document is pinned: credentials of that issuer verify offline, and
a key rotation there needs staff to pin the new document here. This service's own DID is
always trusted, with its current keys, and is never stored as a row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.verification.errors import (
    InvalidDidDocument,
    OwnIssuerImplicit,
    TrustedIssuerExists,
    TrustedIssuerNotFound,
)
from app.verification.models import TrustedIssuer
from app.verification.schemas import TrustedIssuerCreate
from app.verification.trust import (
    DatabaseTrustRegistry,
    DidDocumentError,
    TrustedKeys,
    assertion_keys,
)


def list_trusted_issuers(session: Session) -> list[TrustedIssuer]:
    """Every issuer staff added, by DID."""
    return list(session.scalars(select(TrustedIssuer).order_by(TrustedIssuer.did)))


def registry_entries(
    session: Session, *, settings: Settings
) -> tuple[TrustedKeys, list[TrustedIssuer]]:
    """The whole registry: this service's own DID with its current keys, then staff's."""
    registry = DatabaseTrustRegistry(session, settings=settings)
    own = registry.lookup(registry.own_did)
    if own is None:  # the own DID is always trusted
        raise RuntimeError(f"{registry.own_did} is not in its own trust registry")
    return own, list_trusted_issuers(session)


def add_trusted_issuer(
    session: Session,
    *,
    data: TrustedIssuerCreate,
    added_by: str,
    own_did: str,
    now: datetime,
) -> TrustedIssuer:
    """Pin an issuer's DID document after checking it names the DID and has assertion keys."""
    if data.did == own_did:
        raise OwnIssuerImplicit(f"{own_did} is this service's own DID.")
    try:
        assertion_keys(data.did, data.did_document)
    except DidDocumentError as error:
        raise InvalidDidDocument(str(error)) from error
    existing = session.scalar(select(TrustedIssuer.id).where(TrustedIssuer.did == data.did))
    if existing is not None:
        raise TrustedIssuerExists(f"{data.did} is already trusted (id {existing}).")
    issuer = TrustedIssuer(
        did=data.did,
        name=data.name,
        country=data.country.value if data.country else None,
        did_document=data.did_document,
        added_by=added_by,
        created_at=now,
        updated_at=now,
    )
    session.add(issuer)
    session.flush()
    return issuer


def delete_trusted_issuer(session: Session, *, issuer_id: int) -> None:
    """Remove an issuer: its credentials stop verifying (`unknown-issuer`) at once."""
    issuer = session.get(TrustedIssuer, issuer_id)
    if issuer is None:
        raise TrustedIssuerNotFound(f"No trusted issuer {issuer_id}.")
    session.delete(issuer)
    session.flush()
