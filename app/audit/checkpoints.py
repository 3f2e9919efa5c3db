"""Signed checkpoints of the chain head, and checking an exported checkpoint against the chain.

Someone with write access to the database can rewrite history and then re-compute every
later hash and the head: the chain alone would still verify. A checkpoint is the issuer's
signed statement "at sequence N the head hash was H". Exported and kept somewhere the
database's writers cannot reach, it exposes such a rewrite: the event stored at N no
longer hashes to H.

Format: a Verifiable Credential secured as a compact JWS (VC-JOSE, `application/vc+jwt`,
EdDSA with the issuer's active Ed25519 key, `kid` = the key's DID URL), so any JOSE
library can check it against the issuer's published DID document or JWK Set:

    {"@context": ["https://www.w3.org/ns/credentials/v2", CHECKPOINT_CONTEXT],
     "type": ["VerifiableCredential", "AuditCheckpoint"],
     "issuer": "did:web:…",
     "validFrom": "2026-11-24T04:27:21Z",
     "credentialSubject": {"id": "urn:nassc:audit-log", "type": "AuditLog",
                           "sequence": 42, "headHash": "<64 hex>"}}

The terms this document adds are defined in the inline context, so it expands to JSON-LD
without loss under the pinned contexts (nothing falls back to the VCDM's `@vocab`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.audit.chain import GENESIS_HASH, event_hash, is_hash
from app.audit.models import AuditCheckpoint, AuditEvent
from app.auth.roles import Principal
from app.config import Settings
from app.crypto.did import verification_method_id
from app.crypto.errors import JoseError
from app.crypto.jose import decode_vc_jwt_header, verify_vc_jwt
from app.issuer import service as issuer_service

VCDM_CONTEXT = "https://www.w3.org/ns/credentials/v2"
AUDIT_VOCAB = "https://nassc.org/ns/audit#"
AUDIT_LOG_ID = "urn:nassc:audit-log"
CHECKPOINT_TYPE = "AuditCheckpoint"
CHECKPOINT_CONTEXT: dict[str, Any] = {
    "AuditCheckpoint": AUDIT_VOCAB + "AuditCheckpoint",
    "AuditLog": AUDIT_VOCAB + "AuditLog",
    "sequence": {
        "@id": AUDIT_VOCAB + "sequence",
        "@type": "http://www.w3.org/2001/XMLSchema#integer",
    },
    "headHash": AUDIT_VOCAB + "headHash",
}


class CheckpointSigner(Protocol):
    """What signing a checkpoint needs (the issuer's signer provides it)."""

    @property
    def did(self) -> str: ...

    @property
    def kid(self) -> str: ...

    def vc_jwt(self, document: dict[str, Any]) -> str: ...


def build_checkpoint(*, issuer: str, seq: int, head_hash: str, created: datetime) -> dict[str, Any]:
    """The unsigned checkpoint document for the head (`seq`, `head_hash`)."""
    return {
        "@context": [VCDM_CONTEXT, CHECKPOINT_CONTEXT],
        "type": ["VerifiableCredential", CHECKPOINT_TYPE],
        "issuer": issuer,
        "validFrom": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": AUDIT_LOG_ID,
            "type": "AuditLog",
            "sequence": seq,
            "headHash": head_hash,
        },
    }


def create_checkpoint(
    session: Session, *, signer: CheckpointSigner, now: datetime, actor: Principal | None = None
) -> AuditCheckpoint:
    """Sign the head as it stands after this checkpoint's own `audit.checkpoint` event.

    The event is appended first, so the head is locked while it is signed and the
    checkpoint covers its own event. With no `actor`, the event is the `SYSTEM` actor's
    (the command line, a scheduled job).
    """
    event = audit_service.record(
        session,
        actor=actor,
        actor_override=None if actor is not None else audit_service.SYSTEM,
        action="audit.checkpoint",
        target_type="audit_log",
        target_id=None,
        after={"kid": signer.kid},
        now=now,
    )
    document = build_checkpoint(issuer=signer.did, seq=event.seq, head_hash=event.hash, created=now)
    checkpoint = AuditCheckpoint(
        seq=event.seq,
        head_hash=event.hash,
        signed={"jwt": signer.vc_jwt(document)},
        created_at=now,
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


@dataclass(frozen=True, slots=True)
class CheckpointPage:
    """One page of checkpoints and how many there are."""

    items: list[AuditCheckpoint]
    total: int


def list_checkpoints(session: Session, *, offset: int = 0, limit: int = 50) -> CheckpointPage:
    """Checkpoints, newest first."""
    total = session.scalar(select(func.count(AuditCheckpoint.id))) or 0
    items = session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).offset(offset).limit(limit)
    )
    return CheckpointPage(items=list(items), total=total)


def checkpoint_jwt(checkpoint: AuditCheckpoint) -> str:
    """The exportable compact JWS of a stored checkpoint."""
    return str(checkpoint.signed["jwt"])


# Verification


@dataclass(frozen=True, slots=True)
class CheckpointProblem:
    """One reason an exported checkpoint does not match."""

    code: str
    detail: str


@dataclass(slots=True)
class CheckpointVerification:
    """The outcome of checking an exported checkpoint: signature, then the chain at its seq."""

    verified: bool = False
    seq: int | None = None
    head_hash: str | None = None
    issued_at: str | None = None
    verification_method: str | None = None
    problems: list[CheckpointProblem] = field(default_factory=list)


def verify_checkpoint(
    session: Session, *, token: str, settings: Settings
) -> CheckpointVerification:
    """Check an exported checkpoint's signature with the issuer's published keys, then
    that the chain stored now still has that hash at that sequence number.

    Problem codes: `signature` (not signed by a published key of this issuer), `format`
    (not a checkpoint document), `missing-event` (no event at that seq any more),
    `hash-mismatch` (the stored event at that seq hashes to something else: the history
    before it was rewritten).
    """
    result = CheckpointVerification()
    did, keys = issuer_service.published_identity(session, settings=settings)
    public_keys = {verification_method_id(did, key.kid): key.public_key for key in keys}
    try:
        result.verification_method = str(decode_vc_jwt_header(token)["kid"])
        payload = verify_vc_jwt(token, resolve_key=public_keys.__getitem__)
    except JoseError as error:
        result.problems.append(CheckpointProblem("signature", str(error)))
        return result
    parsed = _read_checkpoint(payload, issuer=did)
    if isinstance(parsed, CheckpointProblem):
        result.problems.append(parsed)
        return result
    result.seq, result.head_hash, result.issued_at = parsed
    problem = _compare_with_chain(session, seq=parsed[0], head_hash=parsed[1])
    if problem is not None:
        result.problems.append(problem)
    result.verified = not result.problems
    return result


def _read_checkpoint(
    payload: Mapping[str, Any], *, issuer: str
) -> tuple[int, str, str] | CheckpointProblem:
    types = payload.get("type")
    subject = payload.get("credentialSubject")
    if not isinstance(types, list) or CHECKPOINT_TYPE not in types:
        return CheckpointProblem("format", f"the document is not an {CHECKPOINT_TYPE}")
    if payload.get("issuer") != issuer:
        return CheckpointProblem("format", f"the issuer is not {issuer}")
    if not isinstance(subject, Mapping) or subject.get("id") != AUDIT_LOG_ID:
        return CheckpointProblem("format", f"the subject is not {AUDIT_LOG_ID}")
    seq, head_hash = subject.get("sequence"), subject.get("headHash")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        return CheckpointProblem("format", "`sequence` is not a non-negative integer")
    if not is_hash(head_hash):
        return CheckpointProblem("format", "`headHash` is not a 64-character hex SHA-256")
    return seq, str(head_hash), str(payload.get("validFrom", ""))


def _compare_with_chain(session: Session, *, seq: int, head_hash: str) -> CheckpointProblem | None:
    if seq == 0:
        if head_hash == GENESIS_HASH:
            return None
        return CheckpointProblem("hash-mismatch", "an empty chain's head is the genesis hash")
    event = session.scalar(select(AuditEvent).where(AuditEvent.seq == seq))
    if event is None:
        return CheckpointProblem("missing-event", f"there is no event with seq {seq} any more")
    recomputed = event_hash(audit_service.fields_of(event))
    if event.hash != head_hash or recomputed != head_hash:
        return CheckpointProblem(
            "hash-mismatch",
            f"the event stored at seq {seq} does not hash to the checkpoint's head hash: "
            "the history up to it was rewritten",
        )
    return None
