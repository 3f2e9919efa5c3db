"""Offers of issued credentials to wallets, made by staff and providers (their own only):
of one credential, or of every credential of a batch (the twin of its claim links)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, status

from app.auth.dependencies import IssuingPrincipal, SettingsDep
from app.config import Settings
from app.credentials import service as credentials_service
from app.db import SessionDep, utcnow
from app.routing import ProblemRoute
from app.wallet import offering
from app.wallet.schemas import BatchWalletOfferRead, WalletOfferCreate, WalletOfferRead

router = APIRouter(prefix="/api/v1", tags=["wallets (OpenID4VCI)"], route_class=ProblemRoute)


@router.post(
    "/credentials/{credential_id}/wallet-offers",
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
    credential = credentials_service.get_credential(
        session, credential_id=credential_id, principal=principal
    )
    made = offering.offer_credential(
        session,
        credential=credential,
        principal=principal,
        terms=_requested_terms(body, settings),
        now=utcnow(),
    )
    return _read(credential.id, made)


@router.post(
    "/credential-batches/{batch_id}/wallet-offers",
    response_model=list[BatchWalletOfferRead],
    status_code=status.HTTP_201_CREATED,
)
def create_batch_wallet_offers(
    batch_id: str,
    body: WalletOfferCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: IssuingPrincipal,
) -> list[BatchWalletOfferRead]:
    """Wallet offers for a batch's credentials instead of (or besides) claim links: one per
    issued row whose credential is valid now, shaped as the claim links are (`row`,
    `credential_id`), with the offer links and, with `tx_code`, each row's PIN (shown only
    here). The batch's claim links keep working; each call makes new offers."""
    made = offering.offer_batch(
        session,
        batch_id=batch_id,
        principal=principal,
        terms=_requested_terms(body, settings),
        now=utcnow(),
    )
    return [
        BatchWalletOfferRead(
            row=row.row_number, **_read(offer.offer.credential_id, offer).model_dump()
        )
        for row, offer in made
    ]


def _requested_terms(body: WalletOfferCreate, settings: Settings) -> offering.OfferTerms:
    return offering.OfferTerms.from_settings(
        settings, with_tx_code=body.tx_code, lifetime=timedelta(minutes=body.expires_in_minutes)
    )


def _read(credential_id: str, made: offering.MadeOffer) -> WalletOfferRead:
    return WalletOfferRead(
        id=made.offer.id,
        credential_id=credential_id,
        credential_offer_uri=made.credential_offer_uri,
        offer_link=made.offer_link,
        offer_by_value_link=made.offer_by_value_link,
        configuration_ids=made.configuration_ids,
        tx_code=made.tx_code,
        expires_at=made.offer.expires_at,
    )
