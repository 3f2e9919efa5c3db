"""Providers' requests that the Division revoke a credential: filed from the provider portal,
listed for staff in the console, who revoke through the usual status change or decline.

A request is open until it has an outcome, and while its credential is not revoked; a
credential has at most one open request (asking again while one waits is refused, after a
decline it is a new request). Revoking the credential, by any path, closes its open request
as `revoked` (`close_revoked`, called by the status change); declining needs a reason.
Filing is audited as `credential.revocation-request`, declining as
`credential.revocation-request-decline`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Principal
from app.credentials.models import Credential, CredentialStatus
from app.errors import Conflict, NotFound
from app.status.models import RequestOutcome, RevocationRequest

MAX_REASON: Final = 1000
MIN_REASON: Final = 3


class RequestNotPossible(Conflict):
    """The credential is revoked already, or a request for it is waiting."""

    slug = "revocation-request-not-possible"
    title = "The credential is revoked or a request for it is already waiting"


class RequestNotFound(NotFound):
    """No revocation request has this id."""

    slug = "revocation-request-not-found"
    title = "No such revocation request"


class RequestNotOpen(Conflict):
    """The request has been declined or its credential revoked already."""

    slug = "revocation-request-not-open"
    title = "The revocation request has been decided already"


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """A request and its credential (waiting, or decided in `declined_requests`)."""

    request: RevocationRequest
    credential: Credential


def _with_credential() -> Select[RevocationRequest, Credential]:
    return select(RevocationRequest, Credential).join(
        Credential, Credential.id == RevocationRequest.credential_id
    )


def _open_query() -> Select[RevocationRequest, Credential]:
    return _with_credential().where(
        RevocationRequest.outcome.is_(None),
        Credential.status != CredentialStatus.revoked.value,
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


def declined_requests(session: Session, *, limit: int = 50) -> list[OpenRequest]:
    """The latest declined requests, most recently declined first."""
    rows = session.execute(
        _with_credential()
        .where(RevocationRequest.outcome == RequestOutcome.declined.value)
        .order_by(RevocationRequest.decided_at.desc(), RevocationRequest.id.desc())
        .limit(limit)
    ).all()
    return [OpenRequest(request=row[0], credential=row[1]) for row in rows]


def latest_request_for(session: Session, credential_id: str) -> RevocationRequest | None:
    """The credential's most recent request, whatever became of it."""
    return session.scalar(
        select(RevocationRequest)
        .where(RevocationRequest.credential_id == credential_id)
        .order_by(RevocationRequest.requested_at.desc(), RevocationRequest.id.desc())
        .limit(1)
    )


def decline(
    session: Session, *, request_id: int, reason: str, actor: Principal, now: datetime
) -> RevocationRequest:
    """Decline a waiting request, saying why (the provider sees the reason and may ask
    again): 404 for an unknown request, 409 once it is decided or its credential revoked."""
    row = session.execute(
        _with_credential().where(RevocationRequest.id == request_id).with_for_update()
    ).first()
    if row is None:
        raise RequestNotFound(f"No revocation request {request_id}.")
    request, credential = row
    if request.outcome is not None or credential.status == CredentialStatus.revoked:
        raise RequestNotOpen(f"Revocation request {request_id} has been decided already.")
    request.outcome = RequestOutcome.declined.value
    request.decided_by = actor.subject
    request.decided_by_name = actor.name
    request.decided_at = now
    request.decision_reason = reason
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="credential.revocation-request-decline",
        target_type="credential",
        target_id=credential.id,
        after={"reason": reason, "request_id": request.id},
        now=now,
    )
    return request


def close_revoked(
    session: Session, credential_ids: list[str], *, actor: Principal | None, now: datetime
) -> None:
    """Close the open requests of credentials just revoked, as `revoked` (done), by `actor`
    (the revocation's own audit event records it)."""
    if not credential_ids:
        return
    session.execute(
        update(RevocationRequest)
        .where(
            RevocationRequest.credential_id.in_(credential_ids),
            RevocationRequest.outcome.is_(None),
        )
        .values(
            outcome=RequestOutcome.revoked.value,
            decided_by=actor.subject if actor else None,
            decided_by_name=actor.name if actor else None,
            decided_at=now,
        )
        .execution_options(synchronize_session=False)
    )
