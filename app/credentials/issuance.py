"""Issuing credentials: who may issue what, status entries, building, signing and storing.

Issuance is split so batches can sign in worker processes: `resolve_source` and
the status allocation run in the database transaction, `prepare` builds and `sign` signs
(pure CPU work, no database), and `store` writes.

Each issued credential is an audit event (`credential.issue`, target `credential` / id) in
the transaction that stores it, naming what it was issued for and the signing key, never
the worker's name or email. A single issuance appends it as the transaction commits
(`audit_service.record_at_commit`), so concurrent issuances do not wait on the audit chain's
head while others sign.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Principal, Role
from app.credentials import earned
from app.credentials.builder import (
    Assessment,
    EvidenceItem,
    Issuer,
    Recipient,
    TrainingSource,
    build_credential,
)
from app.credentials.errors import (
    CurriculumNotApproved,
    CurriculumRequired,
    StandardNotPublished,
)
from app.credentials.models import Credential, CredentialStatus
from app.credentials.schemas import CredentialIssue
from app.credentials.signing import IssuerSigner
from app.crypto.hashing import email_identity_hash
from app.curricula import service as curricula_service
from app.curricula.models import Curriculum, CurriculumStatus
from app.errors import ValidationFailed
from app.issuer.identity import ISSUER_NAMES
from app.providers import service as providers_service
from app.standards import service as standards_service
from app.standards.enums import StandardStatus
from app.standards.models import Standard
from app.standards.schemas import StandardRead
from app.status import service as status_service
from app.status.models import StatusPurpose

CLAIM_LINK_LIFETIME = timedelta(days=30)
TARGET_TYPE = "credential"


@dataclass(frozen=True, slots=True)
class Source:
    """What a credential is issued for: a published standard, through a curriculum or not."""

    standard: Standard
    standard_document: StandardRead
    curriculum: Curriculum | None
    provider_id: int | None
    training: TrainingSource | None = None


@dataclass(slots=True)
class Prepared:
    """An unsigned credential with everything needed to store it once signed."""

    credential_id: str
    document: dict[str, Any]
    source: Source
    request: CredentialIssue
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime | None
    revocation: status_service.Allocation
    suspension: status_service.Allocation
    email_hash: str


@dataclass(frozen=True, slots=True)
class Signed:
    """Both secured forms of one credential."""

    document: dict[str, Any]
    jwt: str
    key_id: str


def resolve_source(session: Session, *, principal: Principal, request: CredentialIssue) -> Source:
    """Check that `principal` may issue for the requested curriculum or standard."""
    curriculum: Curriculum | None = None
    provider_id: int | None = None
    if principal.role is Role.provider:
        if request.curriculum_id is None:
            raise CurriculumRequired("Name the approved curriculum the worker completed.")
        provider_id = principal.require_provider_id()
    if request.curriculum_id is not None:
        # Another provider's curriculum is "not found", like an unknown one: a 403 would
        # tell a provider which ids exist.
        curriculum = curricula_service.get_curriculum(
            session, curriculum_id=request.curriculum_id, provider_id=provider_id
        )
        if curriculum.status != CurriculumStatus.approved:
            raise CurriculumNotApproved(f"Curriculum {curriculum.id} is {curriculum.status}.")
        providers_service.require_accredited(session, provider_id=curriculum.provider_id)
        provider_id = curriculum.provider_id
        standard = curriculum.standard
    else:
        if request.standard_code is None:  # CredentialIssue requires one of the two
            raise ValidationFailed("Name a curriculum_id or a standard_code.")
        standard = standards_service.get_standard(
            session,
            code=request.standard_code,
            version=request.standard_version,
            include_drafts=True,
        )
    if standard.status != StandardStatus.published.value:
        raise StandardNotPublished(f"{standard.code} v{standard.version} is {standard.status}.")
    return Source(
        standard=standard,
        standard_document=standards_service.to_schema(standard),
        curriculum=curriculum,
        provider_id=provider_id,
        training=earned.training_source(curriculum),
    )


def prepare(
    *,
    source: Source,
    request: CredentialIssue,
    issuer_did: str,
    base_url: str,
    now: datetime,
    revocation: status_service.Allocation,
    suspension: status_service.Allocation,
) -> Prepared:
    """Build the unsigned credential around its allocated status entries."""
    credential_id = str(uuid.uuid4())
    valid_from, valid_until = earned.validity_period(
        source.standard_document, valid_from=request.valid_from, now=now
    )
    salt = secrets.token_hex(16)
    recipient = Recipient(
        name=request.recipient.name, email=str(request.recipient.email), did=request.recipient.did
    )
    assessment = Assessment(
        completed_on=request.assessment.completed_on,
        score_percent=request.assessment.score_percent,
        evidence=tuple(
            EvidenceItem(
                name=item.name,
                narrative=item.narrative,
                url=str(item.url) if item.url else None,
                genre=item.genre,
            )
            for item in request.assessment.evidence
        ),
    )
    document = build_credential(
        credential_id=credential_id,
        issuer=Issuer(did=issuer_did, name=ISSUER_NAMES["en"], url=base_url),
        standard=source.standard_document,
        base_url=base_url,
        recipient=recipient,
        salt=salt,
        assessment=assessment,
        status_entries=status_service.status_entries(base_url, revocation, suspension),
        issued_at=now,
        valid_from=valid_from,
        valid_until=valid_until,
        units=earned.earned_units(
            source.standard_document,
            named=request.assessment.electives,
            covered=earned.curriculum_electives(
                source.curriculum.coverage if source.curriculum else None
            ),
        ),
        training=source.training,
    )
    return Prepared(
        credential_id=credential_id,
        document=document,
        source=source,
        request=request,
        issued_at=now,
        valid_from=valid_from,
        valid_until=valid_until,
        revocation=revocation,
        suspension=suspension,
        email_hash=email_identity_hash(str(request.recipient.email), salt=salt),
    )


def sign(document: dict[str, Any], *, signer: IssuerSigner, created: datetime) -> Signed:
    """Secure the credential both ways: Data Integrity proof and vc+jwt."""
    return Signed(
        document=signer.data_integrity(document, created=created),
        jwt=signer.vc_jwt(document),
        key_id=signer.kid,
    )


def new_claim_token() -> tuple[str, str]:
    """A claim secret and the hash that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """The stored form of a claim or holder-link secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def _credential_values(
    prepared: Prepared, signed: Signed, *, issued_by: str, batch: tuple[str, int] | None
) -> dict[str, Any]:
    _token, token_hash = new_claim_token()
    # Batch-issued credentials get their claim links later, on request (secrets are
    # only stored hashed); a single issue returns the one made in `store`.
    return {
        "id": prepared.credential_id,
        "standard_id": prepared.source.standard.id,
        "curriculum_id": prepared.source.curriculum.id if prepared.source.curriculum else None,
        "provider_id": prepared.source.provider_id,
        "issued_by": issued_by,
        "subject_name": prepared.request.recipient.name,
        "subject_email_hash": prepared.email_hash,
        "subject_did": prepared.request.recipient.did,
        "issued_at": prepared.issued_at,
        "valid_from": prepared.valid_from,
        "valid_until": prepared.valid_until,
        "status": CredentialStatus.active.value,
        "revocation_list_id": prepared.revocation.list_id,
        "revocation_index": prepared.revocation.index,
        "suspension_list_id": prepared.suspension.list_id,
        "suspension_index": prepared.suspension.index,
        "key_id": signed.key_id,
        "document": signed.document,
        "jwt": signed.jwt,
        "claim_token_hash": token_hash,
        "claim_expires_at": prepared.issued_at + CLAIM_LINK_LIFETIME,
        "batch_id": batch[0] if batch else None,
        "batch_row": batch[1] if batch else None,
    }


def store(
    session: Session, *, prepared: Prepared, signed: Signed, issued_by: str
) -> tuple[Credential, str]:
    """Persist one signed credential; returns it with its single-use claim secret."""
    token, token_hash = new_claim_token()
    values = _credential_values(prepared, signed, issued_by=issued_by, batch=None)
    credential = Credential(**{**values, "claim_token_hash": token_hash})
    # The response names the standard: set, not loaded again by a query of its own.
    credential.standard = prepared.source.standard
    session.add(credential)
    session.flush()
    return credential, token


def store_many(
    session: Session,
    *,
    items: list[tuple[Prepared, Signed, tuple[str, int]]],
    issued_by: str,
) -> None:
    """Persist a chunk of batch-issued credentials in one multi-row insert."""
    if items:
        session.execute(
            insert(Credential),
            [
                _credential_values(prepared, signed, issued_by=issued_by, batch=batch)
                for prepared, signed, batch in items
            ],
        )


def audit_entry(
    prepared: Prepared, *, key_id: str, actor: Principal, batch: tuple[str, int] | None = None
) -> audit_service.AuditEntry:
    """The `credential.issue` event of one stored credential."""
    after: dict[str, Any] = {
        "standard_id": prepared.source.standard.id,
        "curriculum_id": prepared.source.curriculum.id if prepared.source.curriculum else None,
        "provider_id": prepared.source.provider_id,
        "key_id": key_id,
    }
    if batch is not None:
        after.update(batch_id=batch[0], batch_row=batch[1])
    return audit_service.AuditEntry(
        actor=actor,
        action="credential.issue",
        target_type=TARGET_TYPE,
        target_id=prepared.credential_id,
        after=after,
    )


def issue_credential(
    session: Session,
    *,
    principal: Principal,
    request: CredentialIssue,
    signer: IssuerSigner,
    base_url: str,
    now: datetime,
) -> tuple[Credential, str]:
    """Issue one credential: check, allocate, build, sign both ways, store (audited as
    `credential.issue` by `principal`)."""
    source = resolve_source(session, principal=principal, request=request)
    earned.check_request(source.standard_document, request, now=now)
    [revocation] = status_service.allocate(
        session, purpose=StatusPurpose.revocation, count=1, now=now
    )
    [suspension] = status_service.allocate(
        session, purpose=StatusPurpose.suspension, count=1, now=now
    )
    if not (revocation.published and suspension.published):
        status_service.publish_lists(
            session,
            list_ids=[revocation.list_id, suspension.list_id],
            signer=signer,
            base_url=base_url,
            now=now,
            only_new=True,
        )
    prepared = prepare(
        source=source,
        request=request,
        issuer_did=signer.did,
        base_url=base_url,
        now=now,
        revocation=revocation,
        suspension=suspension,
    )
    signed = sign(prepared.document, signer=signer, created=now)
    credential, token = store(
        session, prepared=prepared, signed=signed, issued_by=principal.subject
    )
    entry = audit_entry(prepared, key_id=signed.key_id, actor=principal)
    audit_service.record_at_commit(session, [entry], now=now)
    return credential, token


def renew_claim_token(
    session: Session, credential: Credential, *, actor: Principal | None, now: datetime
) -> str | None:
    """A fresh claim secret for an unclaimed credential (the old one stops working).

    With an `actor`, audited as `credential.claim-link-renew`.
    """
    [token] = renew_claim_tokens(session, [credential], actor=actor, now=now)
    return token


def renew_claim_tokens(
    session: Session, credentials: Sequence[Credential], *, actor: Principal | None, now: datetime
) -> list[str | None]:
    """Fresh claim secrets for the unclaimed ones of `credentials` (None for the others).

    With an `actor`, each renewal is a `credential.claim-link-renew` event, appended
    together after the credentials are written.
    """
    tokens: list[str | None] = []
    entries: list[audit_service.AuditEntry] = []
    for credential in credentials:
        if credential.claimed_at is not None:
            tokens.append(None)
            continue
        token, token_hash = new_claim_token()
        credential.claim_token_hash = token_hash
        credential.claim_expires_at = now + CLAIM_LINK_LIFETIME
        tokens.append(token)
        if actor is not None:
            entries.append(
                audit_service.AuditEntry(
                    actor=actor,
                    action="credential.claim-link-renew",
                    target_type=TARGET_TYPE,
                    target_id=credential.id,
                    after={"claim_expires_at": credential.claim_expires_at},
                )
            )
    if entries:
        session.flush()
        audit_service.record_many(session, entries, now=now)
    return tokens
