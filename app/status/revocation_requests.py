"""Providers' requests that the Division revoke a credential: filed from the provider portal,
listed for staff in the console, who revoke through the usual status change.

A request is open while its credential is not revoked; a credential has at most one open
request (asking again while one waits is refused). Filing is audited as
`credential.revocation-request`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Principal
from app.credentials.models import Credential, CredentialStatus
from app.errors import Conflict
from app.status.models import RevocationRequest

MAX_REASON: Final = 1000
MIN_REASON: Final = 3


class RequestNotPossible(Conflict):
    """The credential is revoked already, or a request for it is waiting."""

    slug = "revocation-request-not-possible"
    title = "The credential is revoked or a request for it is already waiting"


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """A waiting request and its credential."""

    request: RevocationRequest
    credential: Credential


def _open_query() -> Select[RevocationRequest, Credential]:
    return (
        select(RevocationRequest, Credential)
        .join(Credential, Credential.id == RevocationRequest.credential_id)
        .where(Credential.status != CredentialStatus.revoked.value)
    )


def open_request_for(session: Session, credential_id: str) -> RevocationRequest | None:
    """The waiting request for this credential, if any."""
    row = session.execute(
        _open_query().where(RevocationRequest.credential_id == credential_id).limit(1)
    ).first()
    return row[0] if row else None


def request_revocation(
    session: Session, credential: Credential, *, reason: str, actor: Principal, now: datetime
) -> RevocationRequest:
    """File the provider's request (the caller has checked that the credential is theirs)."""
    if credential.status == CredentialStatus.revoked or open_request_for(session, credential.id):
        raise RequestNotPossible(f"No revocation request can be filed for {credential.id}.")
    request = RevocationRequest(
        credential_id=credential.id,
        provider_id=credential.provider_id,
        reason=reason,
        requested_by=actor.subject,
        requested_at=now,
    )
    session.add(request)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="credential.revocation-request",
        target_type="credential",
        target_id=credential.id,
        after={"reason": reason, "request_id": request.id},
        now=now,
    )
    return request


def open_requests(session: Session, *, limit: int = 200) -> list[OpenRequest]:
    """The waiting requests, oldest first."""
    rows = session.execute(
        _open_query().order_by(RevocationRequest.requested_at, RevocationRequest.id).limit(limit)
    ).all()
    return [OpenRequest(request=row[0], credential=row[1]) for row in rows]
