"""`/api/v1/admin/revocation-requests`: the providers' requests that the Division revoke a
credential, for staff (the console's revocation requests page does the same through these
service calls). Revoking goes through `POST /api/v1/admin/credentials/{id}/revoke`, which
closes the open request; declining says why, and the provider may ask again."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.auth.dependencies import StaffReader, StaffWriter
from app.credentials.models import Credential
from app.db import SessionDep, utcnow
from app.fields import DbId
from app.routing import ProblemRoute
from app.status import revocation_requests
from app.status.revocation_requests import OpenRequest
from app.status.schemas import StatusReason

router = APIRouter(
    prefix="/api/v1/admin/revocation-requests",
    tags=["credential status"],
    route_class=ProblemRoute,
)


class RequestState(StrEnum):
    """Which requests to list."""

    open = "open"
    declined = "declined"


class RevocationRequestRead(BaseModel):
    """One request: the credential, what the provider said, and what staff decided."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    credential_id: str
    holder: str = Field(description="The credential's holder, as issued")
    provider_id: int
    reason: str = Field(description="The provider's reason")
    requested_by: str
    requested_at: datetime
    outcome: str | None = Field(description="null while open; then `revoked` or `declined`")
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None = Field(description="Why staff declined")


def _read(found: OpenRequest) -> RevocationRequestRead:
    request = found.request
    return RevocationRequestRead(
        id=request.id,
        credential_id=request.credential_id,
        holder=found.credential.subject_name,
        provider_id=request.provider_id,
        reason=request.reason,
        requested_by=request.requested_by,
        requested_at=request.requested_at,
        outcome=request.outcome,
        decided_by=request.decided_by,
        decided_at=request.decided_at,
        decision_reason=request.decision_reason,
    )


@router.get("", response_model=list[RevocationRequestRead])
def list_requests(
    session: SessionDep, _staff: StaffReader, state: RequestState = RequestState.open
) -> list[RevocationRequestRead]:
    """Waiting requests, oldest first (`state=open`, the default; at most 200), or the latest
    declined ones, most recently declined first (`state=declined`; at most 50)."""
    found = (
        revocation_requests.open_requests(session)
        if state is RequestState.open
        else revocation_requests.declined_requests(session)
    )
    return [_read(one) for one in found]


@router.post("/{request_id}/decline", response_model=RevocationRequestRead)
def decline_request(
    request_id: DbId, body: StatusReason, session: SessionDep, staff: StaffWriter
) -> RevocationRequestRead:
    """Decline a waiting request with a reason, which the provider reads on the credential's
    page of the portal; they may ask again. 404 for an unknown request, 409 once it has been
    decided or its credential revoked."""
    request = revocation_requests.decline(
        session, request_id=request_id, reason=body.reason, actor=staff, now=utcnow()
    )
    credential = session.get(Credential, request.credential_id)
    if credential is None:  # the foreign key keeps it; only a broken database lacks it
        raise RuntimeError(f"revocation request {request.id} names no credential")
    return _read(OpenRequest(request=request, credential=credential))
