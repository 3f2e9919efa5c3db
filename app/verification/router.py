"""Verification endpoints: our JSON API, the W3C VC API verifier, and the trust registry.

- `POST /api/v1/verify` and `GET /api/v1/verify/{id}`: 200 with `verified: false` when a
  credential does not verify; problem+json only for unusable input.
- `POST /credentials/verify`, `POST /presentations/verify`: the VC API shape, for any
  conforming credential (did:key issuers resolved offline); trust and Open Badges
  conformance are warnings there (`app.verification.vc_api_responses`). Not verified: 400
  with the same result body and a non-empty `errors`, as the W3C test suites expect; input
  that breaks the data model's structural rules is refused first
  (`app.verification.vc_api_input`).
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
from app.errors import AppError, problem_type
from app.fields import DbId
from app.issuer import service as issuer_service
from app.routing import ProblemRoute, media_type_of
from app.verification import (
    forms,
    lanes,
    registry,
    responses,
    service,
    vc_api_input,
    vc_api_responses,
)
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
    VerifyCredentialOptions,
    VerifyCredentialRequest,
    VerifyCredentialResult,
    VerifyPresentationOptions,
    VerifyPresentationRequest,
    VerifyPresentationResult,
    VerifyRequest,
    VerifyResponse,
)
from app.verification.service import Audience, VerifierSetup
from app.verification.trust import resolve_did_key

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
            "application/dc+sd-jwt": {"schema": {"type": "string"}},
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
    """Verify a credential (vc+jwt, Data Integrity or SD-JWT VC) or a presentation; report
    each check (an SD-JWT VC's answer adds what the holder disclosed and withheld).

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


def _not_usable(error: AppError) -> AppError:
    """`error` (input that is not a credential or presentation at all) with the VC API's
    `errors` list, so both VC API endpoints answer every failure with one."""
    problem = {"type": problem_type(error.slug), "title": error.title, "detail": error.detail}
    error.extensions.setdefault("errors", [problem])
    error.extensions.setdefault("verified", False)
    return error


def _vc_api_work(
    verify: Callable[..., T],
    setup: VerifierSetup,
    audience: Audience,
    options: VerifyCredentialOptions | VerifyPresentationOptions | None,
    **given: Any,
) -> Callable[[Session], T]:
    """One VC API verification for a lane: did:key issuers resolved offline, options applied."""
    return partial(
        verify,
        **given,
        setup=setup,
        audience=audience,
        now=utcnow(),
        resolver=setup.foreign_keys or resolve_did_key,
        challenge=options.challenge if options else None,
        domain=options.domain if options else None,
    )


def _vc_api_json(body: VerifyCredentialResult | VerifyPresentationResult) -> JSONResponse:
    return JSONResponse(
        body.model_dump(mode="json", by_alias=True, exclude_none=True),
        status_code=status.HTTP_200_OK if body.verified else status.HTTP_400_BAD_REQUEST,
        headers=NO_STORE,
    )


@vc_api_router.post(
    "/credentials/verify",
    response_model=VerifyCredentialResult,
    response_model_by_alias=True,
    response_model_exclude_none=True,
    responses={400: {"description": "Not verified (same body, with errors), or not a credential"}},
)
async def verify_credential_vc_api(
    body: VerifyCredentialRequest,
    request: Request,
    setup: VerifierSetupDep,
    audience: AudienceDep,
) -> JSONResponse:
    """W3C VC API: verify any conforming credential (ours, a trusted issuer's, a did:key's).

    `verified` is the proof, validity and status; trust and Open Badges conformance are
    `warnings`. Not verified: 400 with the same body and a non-empty `errors`.
    """
    try:
        item = forms.credential_from_value(body.verifiable_credential, legacy_jwt=True)
        vc_api_input.require_conforming_credential(item)
    except AppError as error:
        raise _not_usable(error) from None
    options = body.options
    report = await _in_lane(
        request,
        _vc_api_work(service.verify_credential, setup, audience, options, item=item),
    )
    result = vc_api_responses.vc_api_credential(
        report.result,
        given=body.verifiable_credential,
        include_credential=bool(options and options.return_credential),
    )
    return _vc_api_json(result)


@vc_api_router.post(
    "/presentations/verify",
    response_model=VerifyPresentationResult,
    response_model_by_alias=True,
    response_model_exclude_none=True,
    responses={400: {"description": "Not verified (same body, with errors), or malformed"}},
)
async def verify_presentation_vc_api(
    body: VerifyPresentationRequest,
    request: Request,
    setup: VerifierSetupDep,
    audience: AudienceDep,
) -> JSONResponse:
    """W3C VC API: verify a presentation (its holder proof, with the challenge and domain
    asked for) and every credential it holds. Not verified: 400 with `errors`."""
    try:
        presentation = forms.presentation_from_value(body.verifiable_presentation, legacy_jwt=True)
        vc_api_input.require_conforming_presentation(presentation)
    except AppError as error:
        raise _not_usable(error) from None
    options = body.options
    work = _vc_api_work(
        service.verify_presentation, setup, audience, options, presentation=presentation
    )
    report = await _in_lane(request, work)
    held = presentation.document.get("verifiableCredential", [])
    result = vc_api_responses.vc_api_presentation(
        report.result,
        given=body.verifiable_presentation,
        held=held if isinstance(held, list) else [held],
        include_presentation=bool(options and options.return_presentation),
    )
    return _vc_api_json(result)


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
