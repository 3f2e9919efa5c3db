"""Queueing mail and delivering it: one row per message, claimed by one worker at a time,
its secret link made fresh at each attempt, retried with backoff, its outcome recorded.

A delivery pass is safe to run in any number of threads and processes at once: a worker
takes a message with a conditional update (`queued`, or `sending` whose holder stopped
reporting, and due now), so each attempt belongs to exactly one worker. The link is made,
and committed, just before the message is handed to the server, and never stored in the
clear: a retry makes a new one, and the undelivered one stops working. Messages are taken,
written and recorded a chunk at a time (`app.deliveries.preparing`): a batch's 500 claim
links cost a few dozen transactions, not a thousand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Final

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.credentials.models import CredentialBatchRow, RowStatus
from app.db import utcnow
from app.deliveries.models import DeliveryStatus, MailDelivery, MailKind
from app.deliveries.preparing import CHUNK, OPEN, prepare, release
from app.fields import Language
from app.mail.smtp import MailError, MailSession, SmtpConfig
from app.provider_users import service as provider_users_service
from app.provider_users.models import ProviderUser

logger = logging.getLogger("app.deliveries")

MAX_ATTEMPTS: Final = 5
"""A message that has failed this many times (for reasons that may pass) is given up."""
FIRST_RETRY: Final = timedelta(minutes=1)
"""The wait after a first failure; it doubles with each further one."""


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return FIRST_RETRY * int(2 ** max(0, attempts - 1))


def _queued(
    kind: MailKind,
    *,
    provider_id: int,
    recipient: str,
    language: str,
    requested_by: str,
    now: datetime,
) -> MailDelivery:
    """A new message of `kind`, queued to be sent now."""
    return MailDelivery(
        kind=kind.value,
        provider_id=provider_id,
        recipient=recipient,
        language=language,
        requested_by=requested_by,
        status=DeliveryStatus.queued.value,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )


def queue_invitation(
    session: Session, *, user: ProviderUser, requested_by: str, now: datetime
) -> MailDelivery:
    """Queue the invitation mail of a provider user (the link is made when it is sent)."""
    return _queue_for_user(
        session, MailKind.invitation, user=user, requested_by=requested_by, now=now
    )


def queue_password_reset(session: Session, *, user: ProviderUser, now: datetime) -> MailDelivery:
    """Queue the password reset mail a provider user asked for (the link is made when it
    is sent)."""
    return _queue_for_user(
        session,
        MailKind.password_reset,
        user=user,
        requested_by=provider_users_service.principal_of(user).subject,
        now=now,
    )


def _queue_for_user(
    session: Session, kind: MailKind, *, user: ProviderUser, requested_by: str, now: datetime
) -> MailDelivery:
    delivery = _queued(
        kind,
        provider_id=user.provider_id,
        recipient=user.email,
        language=user.language,
        requested_by=requested_by,
        now=now,
    )
    delivery.provider_user_id = user.id
    session.add(delivery)
    session.flush()
    return delivery


@dataclass(frozen=True, slots=True)
class ClaimRecipient:
    """A batch row whose worker is to get their claim link by mail."""

    row_number: int
    email: str
    language: Language


def queue_claim_links(
    session: Session,
    *,
    batch_id: str,
    provider_id: int,
    recipients: Iterable[ClaimRecipient],
    requested_by: str,
    now: datetime,
) -> list[MailDelivery]:
    """Queue a claim-link mail for each recipient that has none queued or sent yet; rows
    still being issued are mailed once their credential exists (see `_prepare`)."""
    already = set(
        session.scalars(
            select(MailDelivery.row_number).where(
                MailDelivery.batch_id == batch_id,
                MailDelivery.status != DeliveryStatus.failed.value,
            )
        )
    )
    queued = []
    for recipient in recipients:
        if recipient.row_number in already:
            continue
        delivery = _queued(
            MailKind.claim_link,
            provider_id=provider_id,
            recipient=recipient.email,
            language=recipient.language.value,
            requested_by=requested_by,
            now=now,
        )
        delivery.batch_id, delivery.row_number = batch_id, recipient.row_number
        session.add(delivery)
        queued.append(delivery)
    session.flush()
    return queued


def issued_recipients(
    session: Session, *, batch_id: str, languages: Mapping[int, Language], default: Language
) -> list[ClaimRecipient]:
    """The issued rows of a batch as recipients, each in its language or `default`."""
    rows = session.scalars(
        select(CredentialBatchRow)
        .where(
            CredentialBatchRow.batch_id == batch_id,
            CredentialBatchRow.status == RowStatus.issued.value,
        )
        .order_by(CredentialBatchRow.row_number)
    )
    return [
        ClaimRecipient(
            row_number=row.row_number,
            email=str(row.payload["recipient"]["email"]),
            language=languages.get(row.row_number, default),
        )
        for row in rows
    ]


def due_ids(session: Session, *, now: datetime, limit: int = 1000) -> list[int]:
    """Messages waiting for an attempt now, oldest first; a claim link whose batch row is
    still being issued waits for it (it is not due until it can be written)."""
    row = aliased(CredentialBatchRow)
    query = (
        select(MailDelivery.id)
        .outerjoin(
            row,
            and_(row.batch_id == MailDelivery.batch_id, row.row_number == MailDelivery.row_number),
        )
        .where(
            MailDelivery.status.in_(OPEN),
            MailDelivery.next_attempt_at <= now,
            or_(row.status.is_(None), row.status != RowStatus.pending.value),
        )
        .order_by(MailDelivery.next_attempt_at, MailDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(query))


@dataclass
class DeliveryPass:
    """What one pass did."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)


def deliver(
    sessions: sessionmaker[Session],
    *,
    config: SmtpConfig,
    base_url: str,
    ids: Iterable[int] | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> DeliveryPass:
    """Try to send the given messages (all that are due, without `ids`) on one connection,
    `CHUNK` at a time: a chunk is taken and its links made in one transaction, then sent,
    and the messages the server accepted are recorded in one more."""
    if ids is None:
        with sessions() as session:
            ids = due_ids(session, now=clock())
    wanted = list(ids)
    outcome = DeliveryPass()
    connection = MailSession(config)
    try:
        for start in range(0, len(wanted), CHUNK):
            prepared = prepare(
                sessions,
                wanted[start : start + CHUNK],
                config=config,
                base_url=base_url,
                now=clock(),
            )
            outcome.cancelled.extend(prepared.cancelled)
            if not _send_chunk(sessions, connection, prepared.messages, outcome, clock=clock):
                break  # the server is unreachable: the rest stay due for the next pass
    finally:
        connection.close()
    return outcome


def _send_chunk(
    sessions: sessionmaker[Session],
    connection: MailSession,
    messages: list[tuple[int, EmailMessage]],
    outcome: DeliveryPass,
    *,
    clock: Callable[[], datetime],
) -> bool:
    """Send a prepared chunk and record it; False when the server could not be reached
    (the chunk's unsent messages are then handed back, due again at once)."""
    sent: list[int] = []
    reachable = True
    for index, (delivery_id, message) in enumerate(messages):
        try:
            connection.send(message)
        except MailError as error:
            status = _record_failure(sessions, delivery_id, error, now=clock())
            (outcome.failed if status is DeliveryStatus.failed else outcome.retrying).append(
                delivery_id
            )
            logger.warning(
                "mail not delivered", extra={"delivery_id": delivery_id, "reason": error.reason}
            )
            if not error.permanent and not connection.is_open:
                release(sessions, [later for later, _ in messages[index + 1 :]], now=clock())
                reachable = False
                break
            continue
        sent.append(delivery_id)
    _record_sent(sessions, sent, now=clock())
    outcome.sent.extend(sent)
    return reachable


def _record_sent(sessions: sessionmaker[Session], ids: list[int], *, now: datetime) -> None:
    if not ids:
        return
    with sessions.begin() as session:
        session.execute(
            update(MailDelivery)
            .where(MailDelivery.id.in_(ids))
            .values(status=DeliveryStatus.sent.value, sent_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )


def _record(
    sessions: sessionmaker[Session],
    delivery_id: int,
    *,
    status: DeliveryStatus,
    now: datetime,
    error: str | None = None,
    next_attempt_at: datetime | None = None,
) -> None:
    with sessions.begin() as session:
        delivery = session.get(MailDelivery, delivery_id)
        if delivery is None:
            return
        delivery.status = status.value
        delivery.updated_at = now
        if error is not None:
            delivery.last_error = error[:500]
        if next_attempt_at is not None:
            delivery.next_attempt_at = next_attempt_at


def _record_failure(
    sessions: sessionmaker[Session], delivery_id: int, error: MailError, *, now: datetime
) -> DeliveryStatus:
    with sessions() as session:
        attempts = session.scalar(
            select(MailDelivery.attempts).where(MailDelivery.id == delivery_id)
        )
    give_up = error.permanent or (attempts or 0) >= MAX_ATTEMPTS
    status = DeliveryStatus.failed if give_up else DeliveryStatus.queued
    _record(
        sessions,
        delivery_id,
        status=status,
        now=now,
        error=error.reason,
        next_attempt_at=None if give_up else now + retry_delay(attempts or 1),
    )
    return status


@dataclass(frozen=True, slots=True)
class BatchDeliveries:
    """Where a batch's claim-link mails stand, and the ones that failed."""

    counts: dict[str, int]
    failures: list[MailDelivery]


def batch_deliveries(session: Session, *, batch_id: str, provider_id: int) -> BatchDeliveries:
    """The claim-link mails of one of the provider's batches, by status."""
    scope = (MailDelivery.batch_id == batch_id, MailDelivery.provider_id == provider_id)
    counts: dict[str, int] = {status.value: 0 for status in DeliveryStatus}
    for status, count in session.execute(
        select(MailDelivery.status, func.count()).where(*scope).group_by(MailDelivery.status)
    ):
        counts[status] = count
    failures = session.scalars(
        select(MailDelivery)
        .where(*scope, MailDelivery.status == DeliveryStatus.failed.value)
        .order_by(MailDelivery.row_number)
    )
    return BatchDeliveries(counts=counts, failures=list(failures))
