"""Taking messages for an attempt and writing them: a chunk at a time, in one transaction
that takes each message (a conditional update, so each attempt belongs to exactly one
worker), makes its secret link and commits both before anything is handed to the server.

A chunk costs a handful of statements whatever its size: the messages, their providers,
batch rows and credentials are each read with one query, and the claim links are renewed
together. A claim link whose batch row is still being issued is handed back without
spending an attempt; one whose credential can no longer be claimed is cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import Final

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session, load_only, sessionmaker

from app.credentials import issuance
from app.credentials.models import Credential, CredentialBatchRow, CredentialStatus, RowStatus
from app.deliveries import texts
from app.deliveries.models import DeliveryStatus, MailDelivery, MailKind
from app.fields import Language
from app.links import claim_url, invitation_url, password_reset_url
from app.mail.message import build_message
from app.mail.smtp import SmtpConfig
from app.provider_users import password_resets
from app.provider_users import service as provider_users_service
from app.providers.models import TrainingProvider

CHUNK: Final = 50
"""Messages taken, written and recorded together."""
SENDING_LEASE: Final = timedelta(minutes=5)
"""How long a worker holds a message it is sending before another may try it."""
NOT_ISSUED_WAIT: Final = timedelta(seconds=5)
"""How long a claim-link mail waits for its batch row to be issued before looking again."""
OPEN: Final = (DeliveryStatus.queued.value, DeliveryStatus.sending.value)


@dataclass
class Prepared:
    """A chunk ready to send (by delivery id), and the messages no longer needed."""

    messages: list[tuple[int, EmailMessage]] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)


def _take(session: Session, delivery_id: int, *, now: datetime) -> bool:
    """Take one message for an attempt, if it is open, due, and no other worker has it."""
    taken = session.execute(
        update(MailDelivery)
        .where(
            MailDelivery.id == delivery_id,
            MailDelivery.status.in_(OPEN),
            MailDelivery.next_attempt_at <= now,
        )
        .values(
            status=DeliveryStatus.sending.value,
            next_attempt_at=now + SENDING_LEASE,
            attempts=MailDelivery.attempts + 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return getattr(taken, "rowcount", 0) == 1


def _hand_back(delivery: MailDelivery, *, at: datetime) -> None:
    """Put a taken message back in the queue, due `at`, without counting the attempt."""
    delivery.status = DeliveryStatus.queued.value
    delivery.attempts -= 1
    delivery.next_attempt_at = at


def release(sessions: sessionmaker[Session], ids: Sequence[int], *, now: datetime) -> None:
    """Hand back messages taken but not tried (the server could not be reached)."""
    if not ids:
        return
    with sessions.begin() as session:
        for delivery in session.scalars(select(MailDelivery).where(MailDelivery.id.in_(ids))):
            if delivery.status == DeliveryStatus.sending.value:
                _hand_back(delivery, at=now)


def _claim_targets(
    session: Session, claims: list[MailDelivery]
) -> tuple[dict[str, Credential], set[int]]:
    """The credentials of claim-link messages by id (a batch row's credential is found now
    if it was issued since the message was queued; the large documents are not read), and
    the messages whose batch row is still being issued."""
    waiting: set[int] = set()
    unknown = [delivery for delivery in claims if delivery.credential_id is None]
    if unknown:
        keys = [(delivery.batch_id, delivery.row_number) for delivery in unknown]
        rows: dict[tuple[str | None, int | None], CredentialBatchRow] = {
            (row.batch_id, row.row_number): row
            for row in session.scalars(
                select(CredentialBatchRow).where(
                    tuple_(CredentialBatchRow.batch_id, CredentialBatchRow.row_number).in_(keys)
                )
            )
        }
        for delivery in unknown:
            row = rows.get((delivery.batch_id, delivery.row_number))
            if row is not None and row.status == RowStatus.pending.value:
                waiting.add(delivery.id)
            elif row is not None:
                delivery.credential_id = row.credential_id
    ids = {delivery.credential_id for delivery in claims if delivery.credential_id}
    found = session.scalars(
        select(Credential)
        .where(Credential.id.in_(ids))
        .options(
            load_only(
                Credential.subject_name,
                Credential.status,
                Credential.claim_token_hash,
                Credential.claim_expires_at,
                Credential.claimed_at,
            )
        )
    )
    return {credential.id: credential for credential in found}, waiting


def _new_claim_links(
    session: Session, credentials: list[Credential], *, now: datetime
) -> dict[str, str]:
    """Fresh claim secrets, by credential id, for those of `credentials` that are active and
    unclaimed (the earlier secrets stop working)."""
    active = [c for c in credentials if c.status == CredentialStatus.active.value]
    tokens = issuance.renew_claim_tokens(session, active, actor=None, now=now)
    return {
        credential.id: token
        for credential, token in zip(active, tokens, strict=True)
        if token is not None
    }


@dataclass(frozen=True, slots=True)
class _Writer:
    """What every message of a pass is written with."""

    config: SmtpConfig
    base_url: str
    now: datetime

    def invitation(
        self, session: Session, delivery: MailDelivery, provider: TrainingProvider
    ) -> EmailMessage | None:
        """The invitation mail with a fresh link; None once the invitation is not needed."""
        invitation = provider_users_service.renew_invitation(
            session,
            user_id=delivery.provider_user_id or 0,
            invited_by=delivery.requested_by,
            now=self.now,
        )
        if invitation is None:
            return None
        text = texts.invitation(
            language=Language(delivery.language),
            name=invitation.user.name,
            provider=provider.name,
            link=invitation_url(self.base_url, invitation.token),
            expires=invitation.expires_at,
        )
        return self._message(delivery, text, sender=self.config.sender, reply_to=None)

    def password_reset(
        self, session: Session, delivery: MailDelivery, provider: TrainingProvider
    ) -> EmailMessage | None:
        """The password reset mail with a fresh link; None once the user cannot reset."""
        reset = password_resets.renew_link(
            session, user_id=delivery.provider_user_id or 0, now=self.now
        )
        if reset is None:
            return None
        text = texts.password_reset(
            language=Language(delivery.language),
            name=reset.user.name,
            provider=provider.name,
            link=password_reset_url(self.base_url, reset.token),
        )
        return self._message(delivery, text, sender=self.config.sender, reply_to=None)

    def claim_link(
        self,
        delivery: MailDelivery,
        provider: TrainingProvider,
        credential: Credential | None,
        token: str | None,
    ) -> EmailMessage | None:
        """The claim-link mail; None when the credential can no longer be claimed."""
        if credential is None or token is None or credential.claim_expires_at is None:
            return None
        text = texts.claim_link(
            language=Language(delivery.language),
            name=credential.subject_name,
            provider=provider.name,
            link=claim_url(self.base_url, token),
            expires=credential.claim_expires_at,
        )
        sender = formataddr((f"{provider.name} via NASSC", parseaddr(self.config.sender)[1]))
        return self._message(delivery, text, sender=sender, reply_to=provider.contact_email)

    def _message(
        self, delivery: MailDelivery, text: texts.MailText, *, sender: str, reply_to: str | None
    ) -> EmailMessage:
        return build_message(
            sender=sender,
            recipient=delivery.recipient,
            subject=text.subject,
            text=text.text,
            language=delivery.language,
            now=self.now,
            reply_to=reply_to,
        )


def prepare(
    sessions: sessionmaker[Session],
    ids: Sequence[int],
    *,
    config: SmtpConfig,
    base_url: str,
    now: datetime,
) -> Prepared:
    """Take the messages of `ids` that are due and that no other worker has, and write
    them with fresh links, committed before they are sent."""
    prepared = Prepared()
    writer = _Writer(config=config, base_url=base_url, now=now)
    with sessions.begin() as session:
        taken = [delivery_id for delivery_id in ids if _take(session, delivery_id, now=now)]
        if not taken:
            return prepared
        deliveries = session.scalars(
            select(MailDelivery).where(MailDelivery.id.in_(taken)).order_by(MailDelivery.id)
        ).all()
        providers = {
            provider.id: provider
            for provider in session.scalars(
                select(TrainingProvider).where(
                    TrainingProvider.id.in_({delivery.provider_id for delivery in deliveries})
                )
            )
        }
        claims = [d for d in deliveries if d.kind == MailKind.claim_link.value]
        credentials, waiting = _claim_targets(session, claims)
        tokens = _new_claim_links(session, list(credentials.values()), now=now)
        for delivery in deliveries:
            provider = providers.get(delivery.provider_id)
            if delivery.id in waiting:
                _hand_back(delivery, at=now + NOT_ISSUED_WAIT)
                continue
            if provider is None:
                message = None
            elif delivery.kind == MailKind.invitation.value:
                message = writer.invitation(session, delivery, provider)
            elif delivery.kind == MailKind.password_reset.value:
                message = writer.password_reset(session, delivery, provider)
            else:
                key = delivery.credential_id or ""
                message = writer.claim_link(
                    delivery, provider, credentials.get(key), tokens.get(key)
                )
            if message is None:
                delivery.status = DeliveryStatus.cancelled.value
                prepared.cancelled.append(delivery.id)
            else:
                prepared.messages.append((delivery.id, message))
    return prepared
