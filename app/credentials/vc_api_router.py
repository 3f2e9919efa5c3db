"""W3C VC API issuing: `POST /credentials/issue` (the NASSC did:web),
`POST /instances/{id}/credentials/issue` (an issuer instance's did:key) and
`POST /credentials/status` (the status of what was issued with status entries)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status
from fastapi.responses import JSONResponse

from app.credentials import idempotency, vc_api
from app.credentials.dependencies import ContextsDep, IssuingCall, IssuingCallDep, SignerDep
from app.credentials.signing import IssuerSigner, instance_signer
from app.credentials.vc_api_schemas import (
    IssueCredentialRequest,
    IssueCredentialResponse,
    UpdateStatusRequest,
    UpdateStatusResponse,
)
from app.db import SessionDep, utcnow
from app.issuer import instances
from app.keys.dependencies import KeyStoreDep
from app.routing import ProblemRoute
from app.status import vc_api_status
from app.status.schemas import StatusAction

router = APIRouter(tags=["W3C VC API"], route_class=ProblemRoute)

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A replay of an earlier request with the same key",
        "model": IssueCredentialResponse,
    },
    422: {"description": "The credential breaks a data-model rule (problem type names which)"},
}


def get_instance_signer(
    instance_id: str, session: SessionDep, store: KeyStoreDep, contexts: ContextsDep
) -> IssuerSigner:
    """The signer of issuer instance `instance_id` (404 if there is none)."""
    instance = instances.get_instance(session, instance_id=instance_id)
    return instance_signer(instance, store=store, contexts=contexts)


InstanceSignerDep = Annotated[IssuerSigner, Depends(get_instance_signer)]


def _issue(
    body: IssueCredentialRequest,
    call: IssuingCall,
    *,
    signer: IssuerSigner,
    status_signer: IssuerSigner | None,
) -> JSONResponse:
    session, principal = call.session, call.principal
    now = utcnow()
    claim = idempotency.claim(
        session,
        principal=principal.subject,
        key=call.idempotency_key,
        body={"at": signer.did, **body.model_dump(mode="json")},
        now=now,
    )
    if claim.replay is not None:
        return JSONResponse(claim.replay.response, headers={"Idempotent-Replay": "true"})
    options = body.options
    request = vc_api.IssueRequest(
        credential=body.credential,
        enveloping=options is not None and options.securing_mechanism == "EnvelopingProof",
        status_purposes=vc_api.status_purposes(options.status_purpose if options else None),
        credential_id=options.credential_id if options else None,
    )
    secured = vc_api.issue(
        session,
        principal=principal,
        request=request,
        signer=signer,
        status_signer=status_signer,
        base_url=call.settings.public_base_url,
        now=now,
    )
    response = IssueCredentialResponse(verifiable_credential=secured).model_dump(by_alias=True)
    claim.complete(status_code=201, response=response)
    return JSONResponse(response, status_code=status.HTTP_201_CREATED)


@router.post(
    "/credentials/issue",
    response_model=IssueCredentialResponse,
    status_code=status.HTTP_201_CREATED,
    responses=_RESPONSES,
)
def issue_credential(
    body: IssueCredentialRequest, call: IssuingCallDep, signer: SignerDep
) -> JSONResponse:
    """W3C VC API: sign the credential as the NASSC did:web (its `issuer` must be that DID).

    `options.securingMechanism`: `DataIntegrityProof` (eddsa-rdfc-2022, default) or
    `EnvelopingProof` (an EnvelopedVerifiableCredential holding a vc+jwt).
    `options.statusPurpose` (or a `BitstringStatusListEntry` without a list) adds status
    entries in this service's lists.
    """
    return _issue(body, call, signer=signer, status_signer=signer)


@router.post(
    "/instances/{instance_id}/credentials/issue",
    response_model=IssueCredentialResponse,
    status_code=status.HTTP_201_CREATED,
    responses={**_RESPONSES, 404: {"description": "No such issuer instance"}},
)
def issue_credential_as_instance(
    body: IssueCredentialRequest,
    call: IssuingCallDep,  # before the instance: strangers learn no instance ids
    signer: InstanceSignerDep,
) -> JSONResponse:
    """W3C VC API: sign the credential as an issuer instance (its did:key); no status entries."""
    return _issue(body, call, signer=signer, status_signer=None)


@router.post(
    "/credentials/status",
    response_model=UpdateStatusResponse,
    responses={
        404: {"description": "No credential with status entries by that id (for this caller)"},
        409: {"description": "The change does not apply, or there is no entry of that purpose"},
    },
)
def update_credential_status(
    body: UpdateStatusRequest, call: IssuingCallDep, signer: SignerDep
) -> UpdateStatusResponse:
    """W3C VC API: set the status of a credential issued here with status entries.

    `statusPurpose` `revocation` with `status` true revokes (for good); `suspension` true
    suspends and false reinstates. The lists are re-signed in the same transaction. Staff
    may change any such credential; a provider client only those it issued.
    """
    change = None
    for item in body.items():
        if item.status_purpose == "revocation" and not item.status:
            raise vc_api.InvalidStatusRequest("A revocation cannot be undone.")
        action = (
            StatusAction.revoke
            if item.status_purpose == "revocation"
            else StatusAction.suspend
            if item.status
            else StatusAction.reinstate
        )
        change = vc_api_status.change_status(
            call.session,
            credential_id=body.credential_id,
            action=action,
            reason=None,
            signer=signer,
            base_url=call.settings.public_base_url,
            now=utcnow(),
            actor=call.principal,
        )
    if change is None:
        raise vc_api.InvalidStatusRequest("Name at least one status to set.")
    return UpdateStatusResponse(
        credential_id=change.id,
        status=change.status.value,
        lists_republished=change.lists_republished,
    )
