"""W3C VC API issuing: `POST /credentials/issue` (the NASSC did:web) and
`POST /instances/{id}/credentials/issue` (an issuer instance's did:key)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status
from fastapi.responses import JSONResponse

from app.credentials import idempotency, vc_api
from app.credentials.dependencies import ContextsDep, IssuingCall, IssuingCallDep, SignerDep
from app.credentials.signing import IssuerSigner, instance_signer
from app.credentials.vc_api_schemas import IssueCredentialRequest, IssueCredentialResponse
from app.db import SessionDep, utcnow
from app.issuer import instances
from app.keys.dependencies import KeyStoreDep
from app.routing import ProblemRoute

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
