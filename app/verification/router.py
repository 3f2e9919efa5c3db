"""Verification endpoints: our JSON API, the W3C VC API verifier, and the trust registry.

- `POST /api/v1/verify` and `GET /api/v1/verify/{id}`: 200 with `verified: false` when a
  credential does not verify; problem+json only for unusable input.
- `POST /credentials/verify`: the VC API shape; a credential that does not verify gets 400
  with the same result body, as the W3C VC API verifier test suites expect.
- `POST /presentations/verify`: the VC API shape; 200 even when not verified, as the VC API
  specifies for presentations; 400 only for malformed input.
- `/api/v1/admin/trusted-issuers`: staff pin other issuers' DID documents.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from app.auth.dependencies import SettingsDep, StaffReader, StaffWriter
from app.db import SessionDep, in_transaction, utcnow
from app.fields import DbId
from app.issuer import service as issuer_service
from app.routing import ProblemRoute, media_type_of
from app.verification import forms, lanes, registry, responses, service
from app.verification.dependencies import (
    AUDIENCE_PARAMETERS,
    AudienceDep,
    VerifierSetupDep,
    audience_of,
    verifier_setup,
)
from app.verification.schemas import (
    CredentialVerificationRead,
    TrustedIssuerCreate,
    TrustedIssuerList,
    TrustedIssuerRead,
    VerifyCredentialRequest,
    VerifyCredentialResult,
    VerifyPresentationRequest,
    VerifyPresentationResult,
    VerifyRequest,
    VerifyResponse,
)

T = TypeVar("T")

public_router = APIRouter(tags=["verification"], route_class=ProblemRoute)
vc_api_router = APIRouter(tags=["W3C VC API"], route_class=ProblemRoute)
admin_router = APIRouter(
    prefix="/api/v1/admin/trusted-issuers", tags=["trust registry"], route_class=ProblemRoute
)

NO_STORE = {"Cache-Control": "no-store", "Vary": "Accept-Language"}
_JSON_BODY = {"schema": VerifyRequest.model_json_schema()}
_VERIFY_BODY: dict[str, Any] = {
    "parameters": AUDIENCE_PARAMETERS,
    "requestBody": {
        "required": True,
        "content": {
            "application/json": _JSON_BODY,
            "application/vc+jwt": {"schema": {"type": "string"}},
            "application/vc": {"schema": {"type": "object"}},
            "application/vp": {"schema": {"type": "object"}},
        },
    },
}
_UNUSABLE: dict[int | str, dict[str, Any]] = {
    400: {"description": "Unusable input (not a credential or presentation)"},
    415: {"description": "Unsupported content type"},
}


def _no_store(response: Response) -> None:
    response.headers.update(NO_STORE)


@public_router.post(
    "/api/v1/verify",
    response_model=VerifyResponse,
    openapi_extra=_VERIFY_BODY,
    responses=_UNUSABLE,
)
async def verify(request: Request) -> Response:
    """Verify a credential (vc+jwt or Data Integrity) or a presentation; report each check.

    Not verified is an answer (200, `verified: false`, the failing checks and an `outcome`
    such as `tampered`, `revoked` or `expired`). Recognition is for `?country=` or the region
    of `Accept-Language` (es-MX, fr-CA), else for all three countries.
    """
    # The busiest public endpoint, kept lean. The request is read directly, not through
    # dependencies (FastAPI's parameter handling costs more than the reading); `openapi_extra`
    # documents it. A vc+jwt of ours whose keys and lists are cached is answered here, on
    # the event loop; anything needing the database or milliseconds of CPU (Data Integrity,
    # presentations) goes to a worker thread in a verification lane, in one transaction.
    body = await request.body()  # its size is capped by the body-limit middleware
    media_type = media_type_of(request)
    audience = audience_of(request)
    setup = verifier_setup(request)
    now = utcnow()
    report: service.Report | None = service.verify_body_from_cache(
        body=body, media_type=media_type, setup=setup, audience=audience, now=now
    )
    if report is None:
        work = partial(
            service.verify_body,
            body=body,
            media_type=media_type,
            setup=setup,
            audience=audience,
            now=now,
        )
        report = await _in_lane(request, work)
    return responses.verify_response(report, headers=NO_STORE)


async def _in_lane(request: Request, work: Callable[[Session], T]) -> T:
    """`work(session)` in a worker thread as one unit of work, in one of the process's
    verification lanes (`app.main.VERIFICATION_LANES`, plus one per proof worker)."""
    return await lanes.run_in_lane(
        request.app.state.verification_limiter,
        partial(in_transaction, request.app.state.sessionmaker, work),
    )


@public_router.get(
    "/api/v1/verify/{credential_id}",
    response_model=CredentialVerificationRead,
    responses={404: {"description": "No such credential"}},
)
def verify_stored(
    credential_id: str,
    session: SessionDep,
    setup: VerifierSetupDep,
    audience: AudienceDep,
    response: Response,
) -> CredentialVerificationRead:
    """Verify one of this service's credentials by id (the JSON twin of `/verify/{id}`)."""
    report = service.verify_stored_credential(
        session, credential_id=credential_id, setup=setup, audience=audience, now=utcnow()
    )
    _no_store(response)
    return responses.credential_read(report)


@vc_api_router.post(
    "/credentials/verify",
    response_model=VerifyCredentialResult,
    response_model_by_alias=True,
    response_model_exclude_none=True,
    responses={400: {"description": "Not verified (same body), or malformed input"}},
)
async def verify_credential_vc_api(
    body: VerifyCredentialRequest,
    request: Request,
    setup: VerifierSetupDep,
    audience: AudienceDep,
) -> JSONResponse:
    """W3C VC API: verify a credential. 400 with the result body when it does not verify."""
    item = forms.credential_from_value(body.verifiable_credential)
    report = await _in_lane(
        request,
        partial(service.verify_credential, item=item, setup=setup, audience=audience, now=utcnow()),
    )
    result = responses.vc_api_credential(
        report.result,
        given=body.verifiable_credential,
        include_credential=bool(body.options and body.options.return_credential),
    )
    return JSONResponse(
        result.model_dump(mode="json", by_alias=True, exclude_none=True),
        status_code=status.HTTP_200_OK if result.verified else status.HTTP_400_BAD_REQUEST,
        headers=NO_STORE,
    )


@vc_api_router.post(
    "/presentations/verify",
    response_model=VerifyPresentationResult,
    response_model_by_alias=True,
    response_model_exclude_none=True,
    responses={400: {"description": "Malformed input"}},
)
async def verify_presentation_vc_api(
    body: VerifyPresentationRequest,
    request: Request,
    setup: VerifierSetupDep,
    audience: AudienceDep,
) -> JSONResponse:
    """W3C VC API: verify a presentation and the credentials it holds (200 even if not)."""
    presentation = forms.presentation_from_value(body.verifiable_presentation)
    options = body.options
    report = await _in_lane(
        request,
        partial(
            service.verify_presentation,
            presentation=presentation,
            setup=setup,
            audience=audience,
            now=utcnow(),
            challenge=options.challenge if options else None,
            domain=options.domain if options else None,
        ),
    )
    held = body.verifiable_presentation.get("verifiableCredential", [])
    result = responses.vc_api_presentation(
        report.result,
        given=body.verifiable_presentation,
        held=held if isinstance(held, list) else [held],
        include_presentation=bool(options and options.return_presentation),
    )
    return JSONResponse(
        result.model_dump(mode="json", by_alias=True, exclude_none=True), headers=NO_STORE
    )


@admin_router.get("", response_model=TrustedIssuerList)
def list_trusted_issuers(
    session: SessionDep, settings: SettingsDep, _staff: StaffReader
) -> TrustedIssuerList:
    """The trust registry: this service's own DID (built in), then the issuers staff added."""
    own, issuers = registry.registry_entries(session, settings=settings)
    return TrustedIssuerList(
        items=[responses.own_issuer_read(own)]
        + [responses.trusted_issuer_read(issuer) for issuer in issuers]
    )


@admin_router.post("", response_model=TrustedIssuerRead, status_code=status.HTTP_201_CREATED)
def add_trusted_issuer(
    body: TrustedIssuerCreate, session: SessionDep, settings: SettingsDep, staff: StaffWriter
) -> TrustedIssuerRead:
    """Trust an issuer: pin its DID document (id = the DID; Multikey or JsonWebKey keys)."""
    issuer = registry.add_trusted_issuer(
        session,
        data=body,
        added_by=staff.subject,
        own_did=issuer_service.issuer_did(settings),
        now=utcnow(),
    )
    return responses.trusted_issuer_read(issuer)


@admin_router.delete("/{issuer_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_trusted_issuer(issuer_id: DbId, session: SessionDep, _staff: StaffWriter) -> Response:
    """Stop trusting an issuer: its credentials verify as `unknown-issuer` from now on."""
    registry.delete_trusted_issuer(session, issuer_id=issuer_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
