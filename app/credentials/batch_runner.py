"""Runs credential batches: chunked, resumable, signing on every core.

One runner holds a batch through a lease (`batch_lease`, renewed per chunk), so several server
workers can resume batches after a crash without two of them issuing the same rows. Each chunk:

1. reserves status-list entries (a short committed transaction: a crash leaves unused
   entries, never duplicates),
2. builds the unsigned credentials and signs them in the process pool (no transaction),
3. stores the credentials, marks their rows issued and appends one `credential.issue`
   audit event per credential (by the batch's requester) in one transaction, so a row is
   either pending or issued with its event, never half-written. The unique
   `(batch_id, batch_row)` of a credential makes a double store impossible even if two
   runners raced.

While the pool signs chunk N, the runner prepares chunk N+1.

No input stalls a batch: a row that fails to validate, build or sign becomes a failed row
with its errors (a chunk whose signing fails is signed again row by row to find it), and a
chunk that fails for any other reason has its rows marked failed, so the batch completes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.audit import service as audit_service
from app.auth.roles import Principal, Role
from app.config import Settings
from app.credentials import issuance
from app.credentials.batch_lease import BatchLease
from app.credentials.models import CredentialBatch, CredentialBatchRow, RowStatus
from app.credentials.schemas import CredentialIssue
from app.credentials.signing import current_signer
from app.credentials.signing_pool import SignedPair, SigningPool
from app.crypto.contexts import PinnedContexts
from app.crypto.errors import CryptoError
from app.db import utcnow
from app.errors import AppError
from app.keys.service import KeyCache
from app.status import service as status_service
from app.status.models import StatusPurpose

logger = logging.getLogger("app.batches")

ROW_INTERNAL_ERROR = {"type": "internal-error", "msg": "The row could not be issued."}
"""The error of a row lost to an unexpected failure (the server log has the details)."""


@dataclass
class _Chunk:
    rows: list[CredentialBatchRow]
    prepared: list[issuance.Prepared]
    futures: list[Future[list[SignedPair]]]
    kid: str
    failures: dict[int, list[dict[str, str]]]
    # Signs one document alone: used to find the rows a failed chunk signature tripped on.
    sign_one: Callable[[dict[str, Any]], Future[list[SignedPair]]] | None = None


class BatchRunner:
    """Issues the pending rows of batches, one chunk at a time."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        settings: Settings,
        key_cache: KeyCache,
        contexts: PinnedContexts,
        pool: SigningPool,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.key_cache = key_cache
        self.contexts = contexts
        self.pool = pool
        self.lease = BatchLease(sessions, settings.batch_lease_seconds)
        # Set at shutdown: runners stop between chunks and leave the rest to a later resume.
        self.stopping = threading.Event()

    # -- running --------------------------------------------------------------------------

    def resume_all(self, *, now: datetime | None = None) -> list[str]:
        """Run every unfinished batch whose lease is free or expired (at `now`); returns
        their ids."""
        now = now or utcnow()
        ids = self.lease.resumable(now)
        return [batch_id for batch_id in ids if self.run(batch_id, now=now)]

    def run(self, batch_id: str, *, now: datetime | None = None) -> bool:
        """Issue the pending rows of a batch; False if another runner holds it (at `now`)."""
        if not self.lease.acquire(batch_id, now or utcnow()):
            return False
        logger.info("batch started", extra={"batch_id": batch_id})
        pending: _Chunk | None = None
        for rows in self._chunks(batch_id):
            if self.stopping.is_set():
                break
            chunk = self._start_chunk_or_fail(batch_id, rows)
            if pending is not None and not self._finish_chunk_or_fail(batch_id, pending):
                return False
            pending = chunk
        if pending is not None and not self._finish_chunk_or_fail(batch_id, pending):
            return False
        if self.stopping.is_set():
            self.lease.release(batch_id, utcnow())
            logger.info("batch paused for shutdown", extra={"batch_id": batch_id})
            return False
        self.lease.release(batch_id, utcnow(), completed=True)
        logger.info("batch completed", extra={"batch_id": batch_id})
        return True

    def _chunks(self, batch_id: str) -> Iterator[list[CredentialBatchRow]]:
        last = 0
        while True:
            with self.sessions() as session:
                rows = list(
                    session.scalars(
                        select(CredentialBatchRow)
                        .where(
                            CredentialBatchRow.batch_id == batch_id,
                            CredentialBatchRow.status == RowStatus.pending.value,
                            CredentialBatchRow.row_number > last,
                        )
                        .order_by(CredentialBatchRow.row_number)
                        .limit(self.settings.batch_chunk_size)
                    )
                )
                session.expunge_all()
            if not rows:
                return
            last = rows[-1].row_number
            yield rows

    def _principal(self, batch: CredentialBatch) -> Principal:
        """Who submitted the batch, in the role they had then: the runner acts for them."""
        role = Role(batch.requested_by_role)
        return Principal(
            subject=batch.requested_by,
            role=role,
            name=batch.requested_by,
            provider_id=batch.provider_id if role is Role.provider else None,
        )

    def _start_chunk_or_fail(self, batch_id: str, rows: list[CredentialBatchRow]) -> _Chunk:
        """`_start_chunk`, or a chunk whose rows all failed if it raised."""
        try:
            return self._start_chunk(batch_id, rows)
        except Exception:
            logger.exception("preparing a batch chunk failed", extra={"batch_id": batch_id})
            failures = {row.row_number: [dict(ROW_INTERNAL_ERROR)] for row in rows}
            return _Chunk([], [], [], "", failures)

    def _finish_chunk_or_fail(self, batch_id: str, chunk: _Chunk) -> bool:
        """`_finish_chunk`, or (if it raised) its rows recorded as failed."""
        try:
            return self._finish_chunk(batch_id, chunk)
        except Exception:
            logger.exception("storing a batch chunk failed", extra={"batch_id": batch_id})
        failures = dict(chunk.failures)
        failures.update({row.row_number: [dict(ROW_INTERNAL_ERROR)] for row in chunk.rows})
        return self._finish_chunk(batch_id, _Chunk([], [], [], chunk.kid, failures))

    def _start_chunk(self, batch_id: str, rows: list[CredentialBatchRow]) -> _Chunk:
        now = utcnow()
        failures: dict[int, list[dict[str, str]]] = {}
        prepared: list[issuance.Prepared] = []
        with self.sessions.begin() as session:
            batch = session.get_one(CredentialBatch, batch_id)
            principal = self._principal(batch)
            signer = current_signer(
                session, settings=self.settings, cache=self.key_cache, contexts=self.contexts
            )
            # Each row is issued for the target it names (batches recorded before rows were
            # refused a target of their own may mix them), resolved once per distinct target.
            sources: dict[tuple[object, ...], issuance.Source | AppError] = {}
            issuable: list[tuple[CredentialBatchRow, CredentialIssue, issuance.Source]] = []
            for row in rows:
                try:
                    request = CredentialIssue.model_validate(row.payload)
                except ValidationError as error:  # stored before a rule was added
                    failures[row.row_number] = _validation_problems(error)
                    continue
                key = (request.curriculum_id, request.standard_code, request.standard_version)
                if key not in sources:
                    try:
                        sources[key] = issuance.resolve_source(
                            session, principal=principal, request=request
                        )
                    except AppError as error:  # e.g. the provider was suspended since
                        sources[key] = error
                source = sources[key]
                if isinstance(source, AppError):
                    problem = {"type": source.slug, "msg": source.detail or source.title}
                    failures[row.row_number] = [problem]
                else:
                    issuable.append((row, request, source))
            if not issuable:
                return _Chunk([], [], [], signer.kid, failures)
            revocations = status_service.allocate(
                session, purpose=StatusPurpose.revocation, count=len(issuable), now=now
            )
            suspensions = status_service.allocate(
                session, purpose=StatusPurpose.suspension, count=len(issuable), now=now
            )
            status_service.publish_lists(
                session,
                list_ids={a.list_id for a in [*revocations, *suspensions]},
                signer=signer,
                base_url=self.settings.public_base_url,
                now=now,
                only_new=True,
            )
        prepared_rows: list[CredentialBatchRow] = []
        for (row, request, source), revocation, suspension in zip(
            issuable, revocations, suspensions, strict=True
        ):
            try:
                item = issuance.prepare(
                    source=source,
                    request=request,
                    issuer_did=signer.did,
                    base_url=self.settings.public_base_url,
                    now=now,
                    revocation=revocation,
                    suspension=suspension,
                )
            except Exception:
                logger.exception("building a batch row failed", extra={"batch_id": batch_id})
                failures[row.row_number] = [dict(ROW_INTERNAL_ERROR)]
                continue
            prepared_rows.append(row)
            prepared.append(item)

        def sign(documents: list[dict[str, Any]]) -> list[Future[list[SignedPair]]]:
            return self.pool.submit(
                documents,
                private_key=signer.private_key,
                verification_method=signer.verification_method,
                created=now,
            )

        futures = sign([item.document for item in prepared])
        return _Chunk(
            prepared_rows, prepared, futures, signer.kid, failures, lambda doc: sign([doc])[0]
        )

    def _signed_pairs(self, chunk: _Chunk) -> list[SignedPair]:
        """The chunk's signatures; if signing failed, rows that cannot be signed move from
        `chunk.rows` to `chunk.failures` and the others are signed again one by one."""
        try:
            return [pair for future in chunk.futures for pair in future.result()]
        except Exception:
            if chunk.sign_one is None:
                raise
            logger.warning("signing a batch chunk failed; signing its rows one by one")
        rows, prepared, pairs = [], [], []
        for row, item in zip(chunk.rows, chunk.prepared, strict=True):
            try:
                pairs.extend(chunk.sign_one(item.document).result())
            except Exception as error:
                detail = str(error) if isinstance(error, CryptoError) else None
                chunk.failures[row.row_number] = [
                    {"type": "signing-failed", "msg": detail or ROW_INTERNAL_ERROR["msg"]}
                ]
                continue
            rows.append(row)
            prepared.append(item)
        chunk.rows, chunk.prepared = rows, prepared
        return pairs

    def _finish_chunk(self, batch_id: str, chunk: _Chunk) -> bool:
        signed_pairs = self._signed_pairs(chunk)
        now = utcnow()
        with self.sessions.begin() as session:
            if not self.lease.renew(session, batch_id, now):
                logger.warning("batch lease lost", extra={"batch_id": batch_id})
                return False
            batch = session.get_one(CredentialBatch, batch_id)
            issuance.store_many(
                session,
                items=[
                    (
                        item,
                        issuance.Signed(document=document, jwt=jwt, key_id=chunk.kid),
                        (batch_id, row.row_number),
                    )
                    for row, item, (document, jwt) in zip(
                        chunk.rows, chunk.prepared, signed_pairs, strict=True
                    )
                ],
                issued_by=batch.requested_by,
            )
            principal = self._principal(batch)
            events = [
                issuance.audit_entry(
                    item, key_id=chunk.kid, actor=principal, batch=(batch_id, row.row_number)
                )
                for row, item in zip(chunk.rows, chunk.prepared, strict=True)
            ]
            if chunk.prepared:
                session.execute(
                    update(CredentialBatchRow),
                    [
                        {
                            "id": row.id,
                            "status": RowStatus.issued.value,
                            "credential_id": item.credential_id,
                        }
                        for row, item in zip(chunk.rows, chunk.prepared, strict=True)
                    ],
                )
            issued = len(chunk.prepared)
            for row_number, errors in chunk.failures.items():
                session.execute(
                    update(CredentialBatchRow)
                    .where(
                        CredentialBatchRow.batch_id == batch_id,
                        CredentialBatchRow.row_number == row_number,
                    )
                    .values(status=RowStatus.failed.value, errors=errors)
                )
            batch.done += issued
            batch.failed += len(chunk.failures)
            # The audit append comes last, so the chain head stays locked only briefly.
            session.flush()
            audit_service.record_many(session, events, now=now)
        return True


def _validation_problems(error: ValidationError) -> list[dict[str, str]]:
    return [
        {"type": "validation-error", "msg": f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"}
        for e in error.errors()
    ]
