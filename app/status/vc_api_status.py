"""Status of credentials issued through the W3C VC API with entries in our status lists.

Such a credential is tracked by its id (or the `options.credentialId` it was issued with):
its issuer, who issued it, its entries and its status, nothing else. `POST /credentials/status`
(the VC API's "update status", https://w3c-ccg.github.io/vc-api/#update-status) changes it
with the same rules as our own credentials (`app.status.transitions`): the row is locked,
updated, each affected list's revision bumped and the list re-signed in the same transaction,
and the change audited (`credential.revoke` / `.suspend` / `.reinstate` on a
`vc-api-credential`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Final, TypedDict, Unpack

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Principal
from app.credentials.errors import CredentialNotFound
from app.credentials.models import CredentialStatus, VcApiCredential
from app.credentials.signing import IssuerSigner
from app.errors import AppError
from app.status import service
from app.status.allocation import Allocation
from app.status.builder import list_url
from app.status.models import StatusPurpose
from app.status.publishing import republish_changed_lists
from app.status.schemas import StatusAction
from app.status.service import CredentialStatusChange
from app.status.transitions import TRANSITIONS

TARGET_TYPE: Final = "vc-api-credential"
MAX_AUDIT_ID: Final = 100


class CredentialIdInUse(AppError):
    """409: another tracked VC API credential has this id."""

    status = 409
    slug = "credential-id-in-use"
    title = "A credential with this id already has status entries here"


class NoStatusEntry(AppError):
    """409: the credential has no entry of the purpose the change needs."""

    status = 409
    slug = "no-status-entry"
    title = "The credential has no status entry of this purpose"


def record(
    session: Session,
    *,
    credential_id: str,
    issuer_did: str,
    issued_by: str,
    entries: Mapping[StatusPurpose, Allocation],
    now: datetime,
) -> VcApiCredential:
    """Track a VC API credential's status entries (409 when the id is already tracked)."""
    if session.get(VcApiCredential, credential_id) is not None:
        raise CredentialIdInUse(
            f"{credential_id} already has status entries; give each credential its own id."
        )
    revocation = entries.get(StatusPurpose.revocation)
    suspension = entries.get(StatusPurpose.suspension)
    row = VcApiCredential(
        id=credential_id,
        issuer_did=issuer_did,
        issued_by=issued_by,
        issued_at=now,
        status=CredentialStatus.active.value,
        revocation_list_id=revocation.list_id if revocation else None,
        revocation_index=revocation.index if revocation else None,
        suspension_list_id=suspension.list_id if suspension else None,
        suspension_index=suspension.index if suspension else None,
    )
    session.add(row)
    session.flush()
    return row


def change_status(
    session: Session,
    *,
    credential_id: str,
    action: StatusAction,
    reason: str | None,
    actor: Principal,
    signer: IssuerSigner,
    base_url: str,
    now: datetime,
) -> CredentialStatusChange:
    """Revoke, suspend or reinstate a tracked VC API credential and re-sign its lists.

    404 for an unknown id, or one a provider client did not issue itself; 409 when the
    change does not apply (already revoked, not suspended, …) or the credential has no
    entry of the purpose it needs.
    """
    row = session.scalar(
        select(VcApiCredential).where(VcApiCredential.id == credential_id).with_for_update()
    )
    if row is None or not (actor.is_staff or row.issued_by == actor.subject):
        raise CredentialNotFound(f"No credential {credential_id} with status entries here.")
    transition = TRANSITIONS[action]
    current = CredentialStatus(row.status)
    error = transition.skip.get(current)
    if error is not None:
        raise error()
    purpose = (
        StatusPurpose.revocation if action is StatusAction.revoke else StatusPurpose.suspension
    )
    needed = row.revocation_list_id if action is StatusAction.revoke else row.suspension_list_id
    if needed is None:
        raise NoStatusEntry(f"The credential was issued without a {purpose.value} entry.")
    affected = {needed}
    if current is CredentialStatus.suspended and row.suspension_list_id is not None:
        affected.add(row.suspension_list_id)
    row.status = transition.target.value
    row.status_reason = reason
    row.status_changed_at = now
    session.flush()
    republished = republish_changed_lists(
        session, list_ids=affected, signer=signer, base_url=base_url, now=now
    )
    audit_service.record_change(
        session,
        actor=actor,
        action=f"credential.{action.value}",
        target=(TARGET_TYPE, _audit_id(credential_id)),
        before={"status": current.value},
        after={"status": transition.target.value, "reason": reason},
        now=now,
    )
    return CredentialStatusChange(
        id=credential_id,
        status=transition.target,
        status_reason=reason,
        status_changed_at=now,
        lists_republished=[list_url(base_url, list_id) for list_id in republished],
    )


class OneStatusChange(TypedDict):
    """What `change_any_status` passes on to the change of one credential, of either kind:
    the change and who asks for it, then what re-signing its lists needs."""

    credential_id: str
    action: StatusAction
    reason: str | None
    actor: Principal
    signer: IssuerSigner
    base_url: str
    now: datetime


def change_any_status(
    session: Session, **change: Unpack[OneStatusChange]
) -> CredentialStatusChange:
    """The admin API's change: our credential by that id, else a tracked VC API credential
    (the same rules; a reason is required to revoke or suspend either)."""
    try:
        return service.change_credential_status(session, **change)
    except CredentialNotFound:
        if session.get(VcApiCredential, change["credential_id"]) is None:
            raise
    return change_status(session, **change)


def _audit_id(credential_id: str) -> str:
    """The id, or its digest when longer than an audit target id may be."""
    if len(credential_id) <= MAX_AUDIT_ID:
        return credential_id
    return "sha256:" + hashlib.sha256(credential_id.encode()).hexdigest()
