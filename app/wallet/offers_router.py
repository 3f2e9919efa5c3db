"""Offers of issued credentials to wallets, made by staff and providers (their own only)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, status

from app.audit import service as audit_service
from app.auth.dependencies import IssuingPrincipal, SettingsDep
from app.credentials import service as credentials_service
from app.db import SessionDep, utcnow
from app.routing import ProblemRoute
from app.wallet import metadata, offers
from app.wallet.delivery import is_current
from app.wallet.errors import CredentialNotOfferable
from app.wallet.schemas import WalletOfferCreate, WalletOfferRead

router = APIRouter(
    prefix="/api/v1/credentials", tags=["wallets (OpenID4VCI)"], route_class=ProblemRoute
)


@router.post(
    "/{credential_id}/wallet-offers",
    response_model=WalletOfferRead,
    status_code=status.HTTP_201_CREATED,
)
def create_wallet_offer(
    credential_id: str,
    body: WalletOfferCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: IssuingPrincipal,
) -> WalletOfferRead:
    """Offer a credential to the worker's wallet (OpenID4VCI pre-authorized code): a link and
    QR payload to give the worker, single use, expiring; with `tx_code`, a PIN to give them
    by another channel (it is shown only here)."""
    now = utcnow()
    credential = credentials_service.get_credential(
        session, credential_id=credential_id, principal=principal
    )
    if not is_current(credential, now=now):
        raise CredentialNotOfferable(
            f"Credential {credential.id} is {credential.status} or outside its validity period."
        )
    secret = settings.token_secret.get_secret_value().encode()
    made = offers.create_offer(
        session,
        credential=credential,
        actor=principal.subject,
        with_tx_code=body.tx_code,
        lifetime=timedelta(minutes=body.expires_in_minutes),
        secret=secret,
        now=now,
    )
    audit_service.record_change(
        session,
        actor=principal,
        action="credential.wallet-offer",
        target=("credential", credential.id),
        after={
            "offer": made.offer.id,
            "tx_code": body.tx_code,
            "expires_at": made.offer.expires_at.isoformat(),
        },
        now=now,
    )
    configuration_ids = metadata.offered_configurations(credential.standard.code)
    uri = f"{settings.public_base_url}{metadata.OFFERS_PATH}/{made.offer.id}"
    document = offers.offer_document(
        made.offer,
        issuer=settings.public_base_url,
        configuration_ids=configuration_ids,
        secret=secret,
    )
    by_reference, by_value = offers.offer_links(uri, document)
    return WalletOfferRead(
        id=made.offer.id,
        credential_id=credential.id,
        credential_offer_uri=uri,
        offer_link=by_reference,
        offer_by_value_link=by_value,
        configuration_ids=configuration_ids,
        tx_code=made.tx_code,
        expires_at=made.offer.expires_at,
    )
