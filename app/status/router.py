"""Public status lists (`GET /status/{id}`) and staff revocation, suspension and reinstatement.

The list is served as `application/json` unless the client asks for `application/vc` or
`application/vc+jwt`. VCDM 2.0 registers `application/vc`, but deployed verifiers parse a
fetched body as JSON only when its media type contains "json" (Digital Bazaar's
`@digitalbazaar/http-client`, used by the DCC verifiers, checks `includes('json')`), so
plain JSON is the interoperable default.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Body, Header, Request, Response

from app.auth.dependencies import SettingsDep, StaffWriter
from app.config import Settings
from app.credentials.dependencies import SignerDep
from app.credentials.signing import current_signer
from app.crypto import token_status_list as tsl
from app.crypto.vcdm import VC_JWT_MEDIA_TYPE, VC_MEDIA_TYPE
from app.db import SessionDep, in_transaction, utcnow
from app.routing import ProblemRoute
from app.status import service, token_lists, vc_api_status
from app.status.publishing import parse_list_id
from app.status.schemas import (
    CredentialStatusRead,
    OptionalStatusReason,
    StatusAction,
    StatusChangeBulk,
    StatusChangeRead,
)
from app.status.service import CredentialStatusChange, SecuringMechanism, StatusChangeResult

public_router = APIRouter(tags=["status lists"], route_class=ProblemRoute)
admin_router = APIRouter(
    prefix="/api/v1/admin/credentials", tags=["credential status"], route_class=ProblemRoute
)

JSON = "application/json"
VC = VC_MEDIA_TYPE
VC_JWT = VC_JWT_MEDIA_TYPE
_MECHANISMS = {
    JSON: SecuringMechanism.data_integrity,
    VC: SecuringMechanism.data_integrity,
    VC_JWT: SecuringMechanism.vc_jwt,
}


def negotiate(accept: str | None) -> str:
    """The media type to serve for an `Accept` header: the supported type with the highest
    q-value (earliest wins ties); wildcards and unsupported types get JSON."""
    best, best_q = JSON, -1.0
    for item in (accept or "").split(","):
        media_type, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media_type = media_type.lower()
        if media_type not in _MECHANISMS:
            media_type = JSON if media_type in ("*/*", "application/*") else ""
        if media_type and quality > 0 and quality > best_q:
            best, best_q = media_type, quality
    return best


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 §13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


@public_router.get(
    "/status/{list_id}",
    responses={
        200: {
            "description": "The signed BitstringStatusListCredential",
            "content": {JSON: {}, VC: {}, VC_JWT: {}},
        },
        304: {"description": "Not modified (matching If-None-Match)"},
    },
)
async def read_status_list(
    list_id: str,
    request: Request,
    accept: Annotated[str | None, Header()] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """A status list credential, Data Integrity signed (or `Accept: application/vc+jwt`)."""
    # Read by every verifier of every credential: one worker thread, one transaction, and
    # for a list this process served unchanged, one primary-key read of the row's stamp
    # (`ServedLists`). The signer's keys are read only to sign (a list never published, or
    # the vc+jwt form), not for every read.
    media_type = negotiate(accept)
    state = request.app.state
    settings: Settings = state.settings
    work = partial(
        service.secured_list,
        list_id=list_id,
        mechanism=_MECHANISMS[media_type],
        signer=partial(
            current_signer, settings=settings, cache=state.key_cache, contexts=state.contexts
        ),
        base_url=settings.public_base_url,
        now=utcnow(),
        served=state.served_status_lists,
    )
    secured = await anyio.to_thread.run_sync(in_transaction, state.sessionmaker, work)
    headers = {
        "ETag": secured.etag,
        "Cache-Control": f"public, max-age={secured.ttl_seconds}",
        "Vary": "Accept",
        # Browser-based verifiers fetch lists cross-origin; the list is public anyway.
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag",
    }
    if etag_matches(if_none_match, secured.etag):
        return Response(status_code=304, headers=headers)
    return Response(secured.body, media_type=media_type, headers=headers)


@public_router.get(
    "/status/tsl/{list_id}",
    response_class=Response,
    responses={
        200: {
            "description": "The signed Status List Token (IETF Token Status List, JWT form)",
            "content": {tsl.MEDIA_TYPE: {"schema": {"type": "string"}}},
        },
        304: {"description": "Not modified (matching If-None-Match)"},
    },
)
def read_token_status_list(
    list_id: str,
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """A Token Status List of wallet credentials, as an `application/statuslist+jwt`."""
    secured = token_lists.secured_token_list(
        session,
        list_id=parse_list_id(list_id),
        signer=signer.token_list_signer,
        base_url=settings.public_base_url,
        now=utcnow(),
    )
    headers = {
        "ETag": secured.etag,
        "Cache-Control": f"public, max-age={secured.ttl_seconds}",
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag",
    }
    if etag_matches(if_none_match, secured.etag):
        return Response(status_code=304, headers=headers)
    return Response(secured.body, media_type=tsl.MEDIA_TYPE, headers=headers)


@admin_router.post("/{credential_id}/{action}", response_model=CredentialStatusRead)
def change_credential_status(
    credential_id: str,
    action: StatusAction,
    staff: StaffWriter,
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
    body: Annotated[OptionalStatusReason | None, Body()] = None,
) -> CredentialStatusChange:
    """Revoke (permanent), suspend (reversible) or reinstate a credential, and re-sign its list.

    `revoke` and `suspend` need a `reason` (422 without one); `reinstate` lifts a suspension,
    with a reason if staff want to give one. A revoked credential stays revoked. The id may
    also be that of a credential issued through the VC API with status entries.
    """
    return vc_api_status.change_any_status(
        session,
        credential_id=credential_id,
        action=action,
        reason=body.reason if body is not None else None,
        signer=signer,
        base_url=settings.public_base_url,
        now=utcnow(),
        actor=staff,
    )


@admin_router.post("/status-changes", response_model=StatusChangeRead)
def change_statuses(
    body: StatusChangeBulk,
    staff: StaffWriter,
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
) -> StatusChangeResult:
    """Revoke, suspend or reinstate up to 10,000 credentials named by id or by a filter.

    Credentials the action does not apply to (already revoked, not suspended, …) are listed
    under `skipped` with the reason; every affected list is re-signed in the same transaction.
    """
    return service.bulk_change(
        session,
        data=body,
        signer=signer,
        base_url=settings.public_base_url,
        now=utcnow(),
        actor=staff,
    )
