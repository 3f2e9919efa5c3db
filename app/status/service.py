"""Credential status changes (revoke, suspend, reinstate; one or in bulk) and the domain's API.

A status change locks the credentials it changes (`FOR UPDATE`, in id order), updates them,
then bumps the revision of each affected list (a row lock, in id order) *before* the lists
are rebuilt from the credentials table and signed in the same transaction. Every writer of a
list therefore rebuilds it after the previous writer committed, so the published list always
includes every committed change.

Each changed credential is one audit event (`credential.revoke` / `.suspend` / `.reinstate`)
appended last in the same transaction; skipped credentials leave none. Without a principal
(scripts) the actor is `system`.

Token Status Lists holding wallet copies (SD-JWT VCs) of a changed credential are re-signed
in the same transaction as its Bitstring lists.

Allocation (`allocate`, `status_entries`) and signing (`publish_lists`) live in their own
modules and are re-exported here, so other domains import one module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Principal
from app.credentials.errors import CredentialNotFound
from app.credentials.models import Credential, CredentialStatus, WalletCredential
from app.credentials.signing import IssuerSigner
from app.errors import ValidationFailed
from app.standards.models import Standard
from app.status import revocation_requests
from app.status.allocation import LIST_SIZE, Allocation, allocate, status_entries
from app.status.builder import SecuredList, list_url
from app.status.errors import (
    ConcurrentStatusChange,
    ReasonRequired,
    TooManyCredentials,
)
from app.status.publishing import (
    LIST_TTL_MS,
    SecuringMechanism,
    ServedLists,
    publish_lists,
    published_lists,
    republish_changed_lists,
    secured_list,
    signed_list,
)
from app.status.schemas import MAX_CREDENTIALS_PER_CHANGE, StatusAction, StatusChangeBulk
from app.status.token_lists import token_list_url
from app.status.transitions import SKIP_ERRORS, TRANSITIONS

__all__ = [
    "LIST_SIZE",
    "LIST_TTL_MS",
    "Allocation",
    "CredentialStatusChange",
    "SecuredList",
    "SecuringMechanism",
    "ServedLists",
    "Skipped",
    "StatusChangeResult",
    "allocate",
    "bulk_change",
    "change_credential_status",
    "change_statuses",
    "publish_lists",
    "published_lists",
    "secured_list",
    "select_credentials",
    "signed_list",
    "status_entries",
]

# Keeps IN (…) lists well inside every driver's bound-parameter limit.
CHUNK = 1_000

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Skipped:
    """A credential a status change left alone; `reason` is a problem type slug."""

    id: str
    reason: str


@dataclass(slots=True)
class StatusChangeResult:
    """What a status change did: changed ids, skipped ids with reasons, lists re-signed."""

    action: StatusAction
    changed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    lists_republished: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CredentialStatusChange:
    """One credential after a status change."""

    id: str
    status: CredentialStatus
    status_reason: str | None
    status_changed_at: datetime
    lists_republished: list[str]


# --- selecting credentials -------------------------------------------------------------------


def select_credentials(
    session: Session,
    *,
    ids: Sequence[str] | None = None,
    provider_id: int | None = None,
    standard_code: str | None = None,
    issued_from: datetime | None = None,
    issued_to: datetime | None = None,
    status: CredentialStatus | None = None,
    limit: int | None = None,
) -> list[str]:
    """Ids of the credentials matching every given criterion, sorted.

    `issued_from` is inclusive, `issued_to` exclusive; `ids` keeps only those that exist.
    """
    query = select(Credential.id).order_by(Credential.id)
    if provider_id is not None:
        query = query.where(Credential.provider_id == provider_id)
    if standard_code is not None:
        query = query.join(Standard, Standard.id == Credential.standard_id).where(
            Standard.code == standard_code
        )
    if issued_from is not None:
        query = query.where(Credential.issued_at >= issued_from)
    if issued_to is not None:
        query = query.where(Credential.issued_at < issued_to)
    if status is not None:
        query = query.where(Credential.status == status.value)
    if ids is None:
        if limit is not None:
            query = query.limit(limit)
        return list(session.scalars(query))
    found: list[str] = []
    for chunk in _chunks(sorted(set(ids))):
        found.extend(session.scalars(query.where(Credential.id.in_(chunk))))
    return found[:limit] if limit is not None else found


# --- status changes --------------------------------------------------------------------------


def change_statuses(
    session: Session,
    *,
    action: StatusAction,
    credential_ids: Sequence[str],
    reason: str | None,
    signer: IssuerSigner,
    base_url: str,
    now: datetime,
    actor: Principal | None = None,
) -> StatusChangeResult:
    """Apply `action` to the credentials, skip those it does not apply to, re-sign the lists.

    Revocation is permanent: a revoked credential is never suspended or reinstated. Only an
    active credential is suspended and only a suspended one reinstated. Unknown ids fail the
    whole change (`CredentialNotFound`) so a typo never passes as a partial success.
    """
    transition = TRANSITIONS[action]
    ids = sorted(set(credential_ids))
    rows = {row.id: row for chunk in _chunks(ids) for row in session.execute(_locked(chunk))}
    missing = [credential_id for credential_id in ids if credential_id not in rows]
    if missing:
        raise CredentialNotFound(
            f"{len(missing)} credential id(s) are unknown.", credential_ids=missing[:100]
        )

    result = StatusChangeResult(action=action)
    by_current: dict[CredentialStatus, list[str]] = defaultdict(list)
    affected_lists: set[int] = set()
    for credential_id in ids:
        row = rows[credential_id]
        current = CredentialStatus(row.status)
        error = transition.skip.get(current)
        if error is not None:
            result.skipped.append(Skipped(credential_id, error.slug))
            continue
        by_current[current].append(credential_id)
        result.changed.append(credential_id)
        if action is StatusAction.revoke:
            affected_lists.add(row.revocation_list_id)
        if current is CredentialStatus.suspended or action is not StatusAction.revoke:
            affected_lists.add(row.suspension_list_id)

    for previous, group in by_current.items():
        for chunk in _chunks(group):
            updated = session.scalars(
                update(Credential)
                .where(Credential.id.in_(chunk), Credential.status == previous.value)
                .values(status=transition.target.value, status_reason=reason, status_changed_at=now)
                .returning(Credential.id)
                .execution_options(synchronize_session=False)
            ).all()
            # PostgreSQL holds the row locks taken above, so this never fires there; SQLite
            # reads before its first write outside any transaction and may see stale status.
            if len(updated) != len(chunk):
                raise ConcurrentStatusChange()

    if action is StatusAction.revoke:
        for chunk in _chunks(result.changed):
            revocation_requests.close_revoked(session, list(chunk), actor=actor, now=now)
    token_lists = _token_lists_of(session, result.changed)
    affected_lists |= token_lists
    republished = republish_changed_lists(
        session, list_ids=affected_lists, signer=signer, base_url=base_url, now=now
    )
    result.lists_republished = [
        token_list_url(base_url, list_id) if list_id in token_lists else list_url(base_url, list_id)
        for list_id in republished
    ]
    entries = [
        audit_service.AuditEntry.change(
            actor=actor,
            action=f"credential.{action.value}",
            target=("credential", credential_id),
            before={"status": rows[credential_id].status},
            after={"status": transition.target, "reason": reason},
        )
        for credential_id in result.changed
    ]
    audit_service.record_many(session, entries, now=now)
    return result


def _token_lists_of(session: Session, credential_ids: Sequence[str]) -> set[int]:
    """The Token Status Lists holding wallet copies of the credentials: every status change
    changes their entries too."""
    found: set[int] = set()
    for chunk in _chunks(sorted(credential_ids)):
        found.update(
            session.scalars(
                select(WalletCredential.token_list_id)
                .where(WalletCredential.credential_id.in_(chunk))
                .distinct()
            )
        )
    return found


def _locked(ids: Sequence[str]) -> Select[str, str, int, int]:
    return (
        select(
            Credential.id,
            Credential.status,
            Credential.revocation_list_id,
            Credential.suspension_list_id,
        )
        .where(Credential.id.in_(ids))
        .order_by(Credential.id)
        .with_for_update()
    )


def change_credential_status(
    session: Session,
    *,
    credential_id: str,
    action: StatusAction,
    reason: str | None,
    signer: IssuerSigner,
    base_url: str,
    now: datetime,
    actor: Principal | None = None,
) -> CredentialStatusChange:
    """Apply `action` to one credential; where bulk would skip it, raise the 409 instead.

    The one operation behind the API's and the console's revoke, suspend and reinstate:
    422 `validation-error` when `action` needs a reason and none is given.
    """
    if reason is None and action.needs_reason:
        raise ReasonRequired(
            f"A reason is required to {action.value} a credential.",
            errors=[{"loc": ["body", "reason"], "msg": "Field required", "type": "missing"}],
        )
    result = change_statuses(
        session,
        action=action,
        credential_ids=[credential_id],
        reason=reason,
        signer=signer,
        base_url=base_url,
        now=now,
        actor=actor,
    )
    if result.skipped:
        raise SKIP_ERRORS[result.skipped[0].reason]()
    return CredentialStatusChange(
        id=credential_id,
        status=TRANSITIONS[action].target,
        status_reason=reason,
        status_changed_at=now,
        lists_republished=result.lists_republished,
    )


def bulk_change(
    session: Session,
    *,
    data: StatusChangeBulk,
    signer: IssuerSigner,
    base_url: str,
    now: datetime,
    actor: Principal | None = None,
) -> StatusChangeResult:
    """Apply one action to credentials named by id or selected by a filter (capped)."""
    if data.credential_ids is not None:
        ids = data.credential_ids
    else:
        if data.filter is None:  # StatusChangeBulk requires exactly one selector
            raise ValidationFailed("Give credential_ids or a filter.")
        ids = select_credentials(
            session,
            provider_id=data.filter.provider_id,
            standard_code=data.filter.standard_code,
            issued_from=data.filter.issued_from,
            issued_to=data.filter.issued_to,
            status=data.filter.status,
            limit=MAX_CREDENTIALS_PER_CHANGE + 1,
        )
        if len(ids) > MAX_CREDENTIALS_PER_CHANGE:
            raise TooManyCredentials(
                f"The filter matches more than {MAX_CREDENTIALS_PER_CHANGE} credentials; "
                "narrow it (for example by issue date) and repeat.",
                limit=MAX_CREDENTIALS_PER_CHANGE,
            )
    return change_statuses(
        session,
        action=data.action,
        credential_ids=ids,
        reason=data.reason,
        signer=signer,
        base_url=base_url,
        now=now,
        actor=actor,
    )


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
