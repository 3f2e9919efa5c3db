"""Offers made by staff and providers: of one credential, or of every credential of a batch.

Each offer is the same: single use, expiring, for one credential valid now, with a PIN when
asked, and a `credential.wallet-offer` audit event that names the offer but none of its
secrets. A batch's offers are the wallet-side twin of its claim links: one per issued row
whose credential is valid now, and making them leaves the claim links as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Principal
from app.config import Settings
from app.credentials import batches
from app.credentials.models import Credential, CredentialBatchRow, RowStatus
from app.credentials.service import get_credential
from app.wallet import metadata, offers
from app.wallet.delivery import is_current
from app.wallet.errors import CredentialNotOfferable
from app.wallet.models import CredentialOffer

AUDIT_ACTION = "credential.wallet-offer"


@dataclass(frozen=True, slots=True)
class MadeOffer:
    """An offer just made, with what to hand the worker (the PIN shown once)."""

    offer: CredentialOffer
    tx_code: str | None
    configuration_ids: list[str]
    credential_offer_uri: str
    offer_link: str
    offer_by_value_link: str


@dataclass(frozen=True, slots=True)
class OfferTerms:
    """What every offer of one request shares: whether it asks for a PIN, how long it lives,
    the issuer URL its links point at and the secret its pre-authorized codes are keyed with."""

    with_tx_code: bool
    lifetime: timedelta
    base_url: str
    secret: bytes

    @classmethod
    def from_settings(
        cls, settings: Settings, *, with_tx_code: bool, lifetime: timedelta
    ) -> OfferTerms:
        """Terms whose links point at this service and whose codes are keyed by its secret."""
        return cls(
            with_tx_code=with_tx_code,
            lifetime=lifetime,
            base_url=settings.public_base_url,
            secret=settings.token_secret.get_secret_value().encode(),
        )


def offer_credential(
    session: Session,
    *,
    credential: Credential,
    principal: Principal,
    terms: OfferTerms,
    now: datetime,
) -> MadeOffer:
    """Offer `credential` (valid now, else `CredentialNotOfferable`) to the worker's wallet."""
    if not is_current(credential, now=now):
        raise CredentialNotOfferable(
            f"Credential {credential.id} is {credential.status} or outside its validity period."
        )
    [made] = _make_audited(session, [credential], principal=principal, terms=terms, now=now)
    return made


def offer_batch(
    session: Session,
    *,
    batch_id: str,
    principal: Principal,
    terms: OfferTerms,
    now: datetime,
) -> list[tuple[CredentialBatchRow, MadeOffer]]:
    """An offer for each issued row of a batch the principal may read whose credential is
    valid now (revoked, suspended or expired ones are left out), by row number."""
    batches.get_batch(session, batch_id=batch_id, principal=principal)
    rows, _ = batches.row_page(
        session, batch_id=batch_id, status=RowStatus.issued, offset=0, limit=batches.MAX_ROWS
    )
    offerable = []
    for row in rows:
        if row.credential_id is None:  # an issued row always names its credential
            raise RuntimeError(f"issued row {row.row_number} names no credential")
        credential = get_credential(session, credential_id=row.credential_id)
        if is_current(credential, now=now):
            offerable.append((row, credential))
    made = _make_audited(
        session,
        [credential for _, credential in offerable],
        principal=principal,
        terms=terms,
        now=now,
    )
    return [(row, offer) for (row, _), offer in zip(offerable, made, strict=True)]


def make_offer_unaudited(
    session: Session, *, credential: Credential, actor: str, terms: OfferTerms, now: datetime
) -> MadeOffer:
    """Store an offer of `credential` and build its links, recording no audit event: for the
    worker's own page, where no signed-in user makes the offer (callers that act for a
    principal use `offer_credential` or `offer_batch`, which audit)."""
    new = offers.create_offer(
        session,
        credential=credential,
        actor=actor,
        with_tx_code=terms.with_tx_code,
        lifetime=terms.lifetime,
        secret=terms.secret,
        now=now,
    )
    configuration_ids = metadata.offered_configurations(credential.standard.code)
    uri = f"{terms.base_url}{metadata.OFFERS_PATH}/{new.offer.id}"
    document = offers.offer_document(
        new.offer, issuer=terms.base_url, configuration_ids=configuration_ids, secret=terms.secret
    )
    by_reference, by_value = offers.offer_links(uri, document)
    return MadeOffer(
        offer=new.offer,
        tx_code=new.tx_code,
        configuration_ids=configuration_ids,
        credential_offer_uri=uri,
        offer_link=by_reference,
        offer_by_value_link=by_value,
    )


def _make_audited(
    session: Session,
    credentials: list[Credential],
    *,
    principal: Principal,
    terms: OfferTerms,
    now: datetime,
) -> list[MadeOffer]:
    made: list[MadeOffer] = []
    entries: list[audit_service.AuditEntry] = []
    for credential in credentials:
        offer = make_offer_unaudited(
            session, credential=credential, actor=principal.subject, terms=terms, now=now
        )
        entries.append(
            audit_service.AuditEntry.change(
                actor=principal,
                action=AUDIT_ACTION,
                target=("credential", credential.id),
                after={
                    "offer": offer.offer.id,
                    "tx_code": terms.with_tx_code,
                    "expires_at": offer.offer.expires_at.isoformat(),
                },
            )
        )
        made.append(offer)
    if entries:
        audit_service.record_many(session, entries, now=now)
    return made
