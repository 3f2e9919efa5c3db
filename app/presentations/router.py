"""OpenID4VP endpoints: the wallet's response endpoint and the API of presentation requests.

- `POST /openid4vp/response`: the `direct_post` response endpoint (OpenID4VP 1.0 §8.2). A
  wallet posts `vp_token` and `state` (or `error`), form-encoded; the answer is 200 with, for
  a request opened on the employer's own device, the `redirect_uri` that takes the browser
  back to the result. Errors are OpenID4VP's JSON errors (`invalid_request`).
- `GET /openid4vp/requests/{state}`: the request by reference (`request_uri`), unsigned.
- `GET|POST /openid4vp/signed-requests/{state}`: the request by reference, a Request Object
  signed by our did:web (`decentralized_identifier:`), for QR codes.
- `POST /api/v1/presentation-requests` (any API client or staff token) makes a request;
  `GET /api/v1/presentation-requests/{id}` reads it and, once answered, its result: only the
  client that made it may.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import AnyPrincipal, SettingsDep
from app.crypto.did import did_web_from_url
from app.db import SessionDep, utcnow
from app.keys.dependencies import KeyCacheDep
from app.presentations import authorization, service
from app.presentations.errors import PresentationRequestNotFound
from app.presentations.models import PresentationRequest
from app.presentations.schemas import PresentationRequestCreate, PresentationRequestRead
from app.routing import ProblemRoute
from app.verification.dependencies import VerifierSetupDep
from app.wallet.errors import OAuthError
from app.wallet.schemas import OAuthErrorRead

wallet_router = APIRouter(tags=["wallets (OpenID4VP)"])
api_router = APIRouter(
    prefix="/api/v1/presentation-requests",
    tags=["presentation requests (OpenID4VP)"],
    route_class=ProblemRoute,
)

NO_STORE = {"Cache-Control": "no-store"}
PAGE_PATH = "/verify/wallet"


@wallet_router.post(
    authorization.RESPONSE_PATH,
    responses={
        200: {
            "description": "Accepted; `redirect_uri` when the request was opened on the "
            "employer's device"
        },
        400: {"model": OAuthErrorRead, "description": "The spec's error (`error`)"},
    },
)
def wallet_response(
    request: Request,
    session: SessionDep,
    setup: VerifierSetupDep,
    state: Annotated[str | None, Form(max_length=200)] = None,
    vp_token: Annotated[str | None, Form()] = None,
    error: Annotated[str | None, Form(max_length=100)] = None,
    error_description: Annotated[str | None, Form(max_length=2000)] = None,
) -> JSONResponse:
    """A wallet's authorization response (`direct_post`): a `vp_token`, or an `error`."""
    now = utcnow()
    try:
        if error is not None:
            answered = service.receive_error(
                session,
                state=state,
                error=error,
                description=error_description,
                setup=setup,
                now=now,
            )
        else:
            answered = service.receive_response(
                session, state=state, vp_token=vp_token, setup=setup, now=now
            )
    except OAuthError as refused:
        session.rollback()
        return refused.response()
    body: dict[str, Any] = {}
    if answered.same_device:
        base_url = setup.settings.public_base_url
        body["redirect_uri"] = f"{base_url}{PAGE_PATH}/{answered.id}?lang={answered.language}"
    return JSONResponse(body, headers=NO_STORE)


@wallet_router.get(
    authorization.REQUEST_OBJECT_PATH + "/{state}",
    response_class=Response,
    responses={
        200: {
            "content": {authorization.REQUEST_OBJECT_MEDIA_TYPE: {"schema": {"type": "string"}}},
            "description": "The request as an unsecured Request Object (JWT, alg none)",
        },
        404: {"model": OAuthErrorRead, "description": "No such live request"},
    },
)
def request_object(state: str, session: SessionDep, settings: SettingsDep) -> Response:
    """The authorization request by reference (`request_uri`), while it waits for an answer."""
    found = service.pending_by_state(session, state, now=utcnow())
    if found is None:
        return OAuthError("invalid_request", "No such live request.", status=404).response()
    parameters = service.authorization_request(found, base_url=settings.public_base_url)
    return Response(
        authorization.request_object(parameters),
        media_type=authorization.REQUEST_OBJECT_MEDIA_TYPE,
        headers=NO_STORE,
    )


_SIGNED_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {authorization.REQUEST_OBJECT_MEDIA_TYPE: {"schema": {"type": "string"}}},
        "description": "The request as a Request Object signed by our did:web",
    },
    404: {"model": OAuthErrorRead, "description": "No such live request"},
}


@wallet_router.get(
    authorization.SIGNED_REQUEST_OBJECT_PATH + "/{state}",
    response_class=Response,
    responses=_SIGNED_RESPONSES,
    name="signed_request_object_get",
)
@wallet_router.post(
    authorization.SIGNED_REQUEST_OBJECT_PATH + "/{state}",
    response_class=Response,
    responses=_SIGNED_RESPONSES,
)
def signed_request_object(
    state: str,
    session: SessionDep,
    settings: SettingsDep,
    cache: KeyCacheDep,
    wallet_nonce: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    """The authorization request by reference, signed (client id `decentralized_identifier:`),
    while it waits for an answer. A wallet may POST (`request_uri_method=post`) its
    `wallet_nonce`, which the Request Object then carries (its `wallet_metadata` is not read:
    the request is the same for every wallet)."""
    found = service.pending_by_state(session, state, now=utcnow())
    if found is None:
        return OAuthError("invalid_request", "No such live request.", status=404).response()
    signed = service.signed_request_object(
        session, found, settings=settings, cache=cache, wallet_nonce=wallet_nonce, now=utcnow()
    )
    return Response(signed, media_type=authorization.REQUEST_OBJECT_MEDIA_TYPE, headers=NO_STORE)


@api_router.post("", response_model=PresentationRequestRead, status_code=status.HTTP_201_CREATED)
def create_presentation_request(
    body: PresentationRequestCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: AnyPrincipal,
) -> PresentationRequestRead:
    """Ask a worker's wallet for a certification: show `request_link` as a QR code, then
    read this request until its `status` is no longer `pending`."""
    made = service.create_request(
        session,
        choice=service.RequestChoice(
            formats=body.formats,
            claims=body.claims,
            standard_code=body.standard_code,
            sector=body.sector,
            language=body.language,
            employer_country=body.country,
        ),
        base_url=settings.public_base_url,
        lifetime=timedelta(seconds=settings.presentation_request_seconds),
        created_by=principal.subject,
        now=utcnow(),
    )
    return _read(made, base_url=settings.public_base_url)


@api_router.get("/{request_id}", response_model=PresentationRequestRead)
def read_presentation_request(
    request_id: str, session: SessionDep, settings: SettingsDep, principal: AnyPrincipal
) -> JSONResponse:
    """A request this client made, with its result once the wallet answered (no-store)."""
    found = _own(session, request_id, principal.subject)
    body = _read(found, base_url=settings.public_base_url).model_dump(mode="json")
    return JSONResponse(body, headers=NO_STORE)


def _own(session: Session, request_id: str, subject: str) -> PresentationRequest:
    found = service.find_request(session, request_id, now=utcnow())
    if found is None or found.created_by != subject:
        raise PresentationRequestNotFound(f"No presentation request {request_id}.")
    return found


def _read(request: PresentationRequest, *, base_url: str) -> PresentationRequestRead:
    parameters = service.authorization_request(request, base_url=base_url)
    return PresentationRequestRead(
        id=request.id,
        status=request.status,
        created_at=request.created_at,
        expires_at=request.expires_at,
        authorization_request=parameters,
        request_link=authorization.request_link(parameters),
        request_uri_link=authorization.reference_link(base_url=base_url, state=request.state),
        signed_request_uri_link=authorization.signed_reference_link(
            base_url=base_url, did=did_web_from_url(base_url), state=request.state
        ),
        result=request.result,
        result_expires_at=request.result_expires_at,
    )
