"""Issuing and reading credentials (providers for their own curricula, and staff)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from app.auth.dependencies import CredentialReader, SettingsDep
from app.auth.roles import Principal, Role
from app.credentials import idempotency, issuance, paging, responses, service
from app.credentials.dependencies import IssuingCallDep, SignerDep
from app.credentials.models import CredentialStatus
from app.credentials.schemas import CredentialIssue, CredentialIssued, CredentialPage
from app.db import SessionDep, utcnow
from app.fields import UtcDateTime
from app.routing import ProblemRoute

router = APIRouter(prefix="/api/v1/credentials", tags=["credentials"], route_class=ProblemRoute)


def _visible_provider(principal: Principal) -> int | None:
    return principal.require_provider_id() if principal.role is Role.provider else None


@router.post(
    "",
    response_model=CredentialIssued,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "description": "A replay of an earlier request with the same key",
            "model": CredentialIssued,
        }
    },
)
def issue_credential(
    body: CredentialIssue, call: IssuingCallDep, signer: SignerDep
) -> JSONResponse:
    """Issue an Open Badges 3.0 credential, signed with Data Integrity and as vc+jwt.

    The response holds the worker's single-use claim link. With an `Idempotency-Key`,
    a retry returns the same credential (and a fresh claim link) without issuing again.
    """
    session, settings, principal = call.session, call.settings, call.principal
    now = utcnow()
    claim = idempotency.claim(
        session,
        principal=principal.subject,
        key=call.idempotency_key,
        body=body.model_dump(mode="json"),
        now=now,
    )
    if claim.replay is not None:
        credential = service.get_credential(session, credential_id=claim.replay.response["id"])
        token = issuance.renew_claim_token(session, credential, actor=principal, now=now)
        replay = responses.issued(credential, base_url=settings.public_base_url, claim_token=token)
        return JSONResponse(replay.model_dump(mode="json"), headers={"Idempotent-Replay": "true"})
    credential, token = issuance.issue_credential(
        session,
        principal=principal,
        request=body,
        signer=signer,
        base_url=settings.public_base_url,
        now=now,
    )
    claim.complete(status_code=201, response={"id": credential.id})
    response = responses.issued(credential, base_url=settings.public_base_url, claim_token=token)
    return JSONResponse(response.model_dump(mode="json"), status_code=201)


@router.get("", response_model=CredentialPage)
def list_credentials(
    session: SessionDep,
    settings: SettingsDep,
    principal: CredentialReader,
    standard_code: str | None = None,
    status_: Annotated[CredentialStatus | None, Query(alias="status")] = None,
    issued_from: UtcDateTime | None = None,
    issued_to: UtcDateTime | None = None,
    holder: Annotated[
        str | None, Query(min_length=2, max_length=200, description="part of the holder's name")
    ] = None,
    batch_id: Annotated[str | None, Query(max_length=36)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
    after: Annotated[
        str | None,
        Query(
            max_length=60,
            description="the `next_cursor` of the page before (then `page` only labels it)",
        ),
    ] = None,
) -> CredentialPage:
    """Issued credentials, newest first (staff, auditors included); providers see only
    their own."""
    result = service.list_credentials(
        session,
        provider_id=_visible_provider(principal),
        standard_code=standard_code,
        status=status_,
        issued_from=issued_from,
        issued_to=issued_to,
        holder=holder,
        batch_id=batch_id,
        **paging.window(page=page, per_page=per_page, after=after, before=None, strict=True),
    )
    return CredentialPage(
        items=[responses.summary(c, base_url=settings.public_base_url) for c in result.items],
        page=page,
        per_page=per_page,
        total=result.total,
        total_capped=result.more,
        next_cursor=result.next.token if result.next else None,
    )


@router.get("/{credential_id}", response_model=CredentialIssued)
def read_credential(
    credential_id: str, session: SessionDep, settings: SettingsDep, principal: CredentialReader
) -> CredentialIssued:
    """One issued credential in both forms (providers: only their own)."""
    credential = service.get_credential(session, credential_id=credential_id, principal=principal)
    return responses.issued(credential, base_url=settings.public_base_url, claim_token=None)
