"""OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow.

Metadata (`/.well-known/openid-credential-issuer`, `/.well-known/oauth-authorization-server`),
offers by reference (`/openid4vci/offers/{id}`), the token endpoint, the nonce endpoint and
the credential endpoint. Their errors are the specs' JSON errors (`app.wallet.errors`).
Staff and providers make offers through `POST /api/v1/credentials/{id}/wallet-offers`.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Header
from fastapi.responses import JSONResponse
from pydantic import StringConstraints
from sqlalchemy.orm import Session

from app.auth.dependencies import SettingsDep
from app.db import SessionDep, utcnow
from app.keys.dependencies import KeyCacheDep
from app.standards import service as standards_service
from app.wallet import delivery, dpop, metadata, offers
from app.wallet.errors import OAuthError
from app.wallet.schemas import (
    CredentialRequestRead,
    CredentialResponseRead,
    NonceRead,
    OAuthErrorRead,
    TokenRead,
)

router = APIRouter(tags=["wallets (OpenID4VCI)"])

# RFC 9449 §4.1: one `DPoP` header; several are read (and refused) rather than merged.
DpopHeader = Annotated[
    list[Annotated[str, StringConstraints(max_length=4000)]] | None,
    Header(alias="DPoP", max_length=10),
]
NO_STORE = {"Cache-Control": "no-store"}
METADATA_CACHE = {"Cache-Control": "public, max-age=300"}
_OAUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": OAuthErrorRead, "description": "The spec's error (`error`)"},
}


@router.get("/.well-known/openid-credential-issuer")
def credential_issuer_metadata(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """The credential issuer's metadata: endpoints, configurations, display in en/es/fr."""
    document = metadata.credential_issuer_metadata(
        settings.public_base_url, standards_service.newest_published(session)
    )
    return JSONResponse(document, headers=METADATA_CACHE)


@router.get("/.well-known/oauth-authorization-server")
def authorization_server_metadata(settings: SettingsDep) -> JSONResponse:
    """The authorization server's metadata (RFC 8414): the issuer is its own."""
    return JSONResponse(
        metadata.authorization_server_metadata(settings.public_base_url), headers=METADATA_CACHE
    )


@router.get(
    metadata.OFFERS_PATH + "/{offer_id}",
    responses={404: {"model": OAuthErrorRead, "description": "No such live offer"}},
)
def credential_offer(offer_id: str, session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """A credential offer by reference (`credential_offer_uri`), while it is live."""
    offer = offers.find_offer(session, offer_id, now=utcnow())
    if offer is None:
        return OAuthError("invalid_request", "No such live offer.", status=404).response()
    document = offers.offer_document(
        offer,
        issuer=settings.public_base_url,
        configuration_ids=delivery.offered_configurations(session, offer),
        secret=_secret(settings),
    )
    return JSONResponse(document, headers=NO_STORE)


@router.post(metadata.TOKEN_PATH, response_model=TokenRead, responses=_OAUTH_ERRORS)
def token(
    session: SessionDep,
    settings: SettingsDep,
    grant_type: Annotated[str | None, Form(max_length=100)] = None,
    pre_authorized_code: Annotated[
        str | None, Form(alias="pre-authorized_code", max_length=200)
    ] = None,
    tx_code: Annotated[str | None, Form(max_length=100)] = None,
    dpop_header: DpopHeader = None,
) -> JSONResponse:
    """Exchange a pre-authorized code (and its PIN) for an access token; with a `DPoP` proof
    (RFC 9449) the token is bound to the proof's key and its type is `DPoP`."""
    now = utcnow()
    proof = None
    try:
        sent = dpop.single_proof(dpop_header, status=400)
        if sent is not None:
            url = settings.public_base_url + metadata.TOKEN_PATH
            checked = dpop.verify_proof(sent, method="POST", url=url, now=now)
            dpop.spend_jti(session, checked, now=now)
            proof = checked
        if grant_type != metadata.PRE_AUTHORIZED_GRANT:
            raise OAuthError("unsupported_grant_type", "Only the pre-authorized code grant.")
        if not pre_authorized_code:
            raise OAuthError("invalid_request", "pre-authorized_code is required.")
        granted = offers.redeem(
            session,
            code=pre_authorized_code,
            tx_code=tx_code,
            secret=_secret(settings),
            now=now,
            dpop_jkt=proof.jkt if proof else None,
        )
    except OAuthError as error:
        return _failed(session, error, spent=proof, now=now)
    body = TokenRead(
        access_token=granted.value,
        token_type="DPoP" if proof else "Bearer",
        expires_in=granted.expires_in,
    )
    return JSONResponse(body.model_dump(), headers=NO_STORE)


@router.post(metadata.NONCE_PATH, response_model=NonceRead)
def nonce(session: SessionDep) -> JSONResponse:
    """A fresh `c_nonce` for one key proof."""
    return JSONResponse({"c_nonce": offers.new_nonce(session, now=utcnow())}, headers=NO_STORE)


@router.post(
    metadata.CREDENTIAL_PATH,
    response_model=CredentialResponseRead,
    responses={
        **_OAUTH_ERRORS,
        401: {"model": OAuthErrorRead, "description": "No valid access token"},
    },
)
def credential(
    session: SessionDep,
    settings: SettingsDep,
    keys: KeyCacheDep,
    request: Annotated[CredentialRequestRead | None, Body()] = None,
    authorization: Annotated[str | None, Header(max_length=2000)] = None,
    dpop_header: DpopHeader = None,
) -> JSONResponse:
    """The credential of the offer the access token was granted for, in the asked format
    (a DPoP-bound token: as `Authorization: DPoP ...` with a `DPoP` proof by its key)."""
    now = utcnow()
    authorized = None
    try:
        authorized = offers.authorized_offer(
            session,
            authorization=authorization,
            dpop_proofs=dpop_header,
            url=settings.public_base_url + metadata.CREDENTIAL_PATH,
            now=now,
        )
        issued = delivery.deliver(
            session,
            offer=authorized.offer,
            request=request.model_dump(exclude_none=True) if request else None,
            issuer=settings.public_base_url,
            keys=keys,
            now=now,
        )
    except OAuthError as error:
        return _failed(session, error, spent=authorized.proof if authorized else None, now=now)
    return JSONResponse({"credentials": issued}, headers=NO_STORE)


def _failed(
    session: Session, error: OAuthError, *, spent: dpop.DpopProof | None, now: datetime
) -> JSONResponse:
    """Keep or undo the request's writes as `error` says; a DPoP proof accepted on the way
    stays spent either way (a failed request's proof is not for a second try)."""
    if error.commit:
        session.commit()
        return error.response()
    session.rollback()
    if spent is not None:
        with contextlib.suppress(OAuthError):  # another request spent it meanwhile
            dpop.spend_jti(session, spent, now=now)
        session.commit()
    return error.response()


def _secret(settings: Any) -> bytes:
    return bytes(settings.token_secret.get_secret_value(), "utf-8")
