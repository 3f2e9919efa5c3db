"""OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow.

Metadata (`/.well-known/openid-credential-issuer`, `/.well-known/oauth-authorization-server`),
offers by reference (`/openid4vci/offers/{id}`), the token endpoint, the nonce endpoint and
the credential endpoint. Their errors are the specs' JSON errors (`app.wallet.errors`).
Staff and providers make offers through `POST /api/v1/credentials/{id}/wallet-offers`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Header
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from app.auth.dependencies import SettingsDep
from app.db import SessionDep, utcnow
from app.keys.dependencies import KeyCacheDep
from app.wallet import delivery, metadata, offers
from app.wallet.errors import OAuthError
from app.wallet.schemas import (
    CredentialRequestRead,
    CredentialResponseRead,
    NonceRead,
    OAuthErrorRead,
    TokenRead,
)

router = APIRouter(tags=["wallets (OpenID4VCI)"])

NO_STORE = {"Cache-Control": "no-store"}
METADATA_CACHE = {"Cache-Control": "public, max-age=300"}
_OAUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": OAuthErrorRead, "description": "The spec's error (`error`)"},
}


@router.get("/.well-known/openid-credential-issuer")
def credential_issuer_metadata(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """The credential issuer's metadata: endpoints, configurations, display in en/es/fr."""
    document = metadata.credential_issuer_metadata(
        settings.public_base_url, delivery.published_standards(session)
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
) -> JSONResponse:
    """Exchange a pre-authorized code (and its PIN) for an access token."""
    try:
        if grant_type != metadata.PRE_AUTHORIZED_GRANT:
            raise OAuthError("unsupported_grant_type", "Only the pre-authorized code grant.")
        if not pre_authorized_code:
            raise OAuthError("invalid_request", "pre-authorized_code is required.")
        granted = offers.redeem(
            session,
            code=pre_authorized_code,
            tx_code=tx_code,
            secret=_secret(settings),
            now=utcnow(),
        )
    except OAuthError as error:
        return _failed(session, error)
    body = TokenRead(access_token=granted.value, expires_in=granted.expires_in)
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
) -> JSONResponse:
    """The credential of the offer the access token was granted for, in the asked format."""
    now = utcnow()
    try:
        offer = offers.authorized_offer(session, token=_bearer(authorization), now=now)
        issued = delivery.deliver(
            session,
            offer=offer,
            request=request.model_dump(exclude_none=True) if request else None,
            issuer=settings.public_base_url,
            keys=keys,
            now=now,
        )
    except OAuthError as error:
        return _failed(session, error)
    return JSONResponse({"credentials": issued}, headers=NO_STORE)


def _bearer(authorization: str | None) -> str | None:
    scheme, _, value = (authorization or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _failed(session: Session, error: OAuthError) -> JSONResponse:
    if error.commit:
        session.commit()
    else:
        session.rollback()
    return error.response()


def _secret(settings: Any) -> bytes:
    return bytes(settings.token_secret.get_secret_value(), "utf-8")
