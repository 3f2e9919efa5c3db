"""IETF Token Status Lists of wallet credentials: rebuilt from the credentials, signed, served.

https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/ — each wallet credential
(an SD-JWT VC) has its own 2-bit entry, whose value mirrors its credential's status: 0 VALID
(active), 1 INVALID (revoked), 2 SUSPENDED. A list is a `status_list` row of purpose `token`,
allocated like the Bitstring lists; it is re-signed in the transaction that changes a status
of one of its credentials (`publishing.publish_lists`), and again when the token served would
soon expire.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.credentials.models import Credential, CredentialStatus, WalletCredential
from app.credentials.signing import JwsSigner
from app.crypto import jws
from app.crypto import token_status_list as tsl
from app.crypto.errors import JoseError
from app.status.builder import SecuredList
from app.status.errors import StatusListNotFound
from app.status.models import MAX_LIST_ID, StatusList, StatusPurpose
from app.status.permutation import DOMAIN_SIZE

BITS: Final = 2
TOKEN_TTL_SECONDS: Final = 300
"""How long a relying party may cache a Status List Token (`ttl`, and the HTTP max-age)."""
TOKEN_VALIDITY_SECONDS: Final = 86_400
"""A token's `exp` is this long after its `iat`; it is re-signed once half of it has passed."""

_STATUS_VALUES: Final = {
    CredentialStatus.revoked.value: tsl.INVALID,
    CredentialStatus.suspended.value: tsl.SUSPENDED,
}


def token_list_url(base_url: str, list_id: int) -> str:
    """The URL a Token Status List is served at: its token's `sub`, the credentials' `uri`."""
    return f"{base_url}/status/tsl/{list_id}"


def sign_if_stale(
    session: Session, status_list: StatusList, *, signer: JwsSigner, base_url: str, now: datetime
) -> bool:
    """Re-sign a locked token list whose revision is unsigned, whose token expires within
    half its validity or was signed by another key than `signer`'s (after a rotation);
    whether it was signed."""
    if (
        status_list.signed_token is not None
        and status_list.signed_revision == status_list.revision
        and not _stale(status_list.signed_token, now, signer)
    ):
        return False
    issued_at = int(now.timestamp())
    claims = tsl.token_claims(
        _statuses(session, status_list.id),
        uri=token_list_url(base_url, status_list.id),
        issued_at=issued_at,
        ttl=TOKEN_TTL_SECONDS,
        expires_at=issued_at + TOKEN_VALIDITY_SECONDS,
    )
    status_list.signed_token = tsl.sign_token(
        claims, private_key=signer.private_key, kid=signer.verification_method
    )
    status_list.signed_revision = status_list.revision
    status_list.updated_at = now
    session.flush()
    return True


def secured_token_list(
    session: Session, *, list_id: int, signer: JwsSigner, base_url: str, now: datetime
) -> SecuredList:
    """The Status List Token of list `list_id`, re-signed first when stale."""
    query = select(StatusList).where(
        StatusList.id == list_id, StatusList.purpose == StatusPurpose.token.value
    )
    status_list = session.scalar(query)
    if status_list is None:
        raise StatusListNotFound(f"There is no token status list {list_id}.")
    token = status_list.signed_token
    unsigned = token is None or status_list.signed_revision != status_list.revision
    if unsigned or token is None or _stale(token, now, signer):
        locked = session.scalars(
            query.with_for_update().execution_options(populate_existing=True)
        ).one()
        sign_if_stale(session, locked, signer=signer, base_url=base_url, now=now)
        token = locked.signed_token
    if token is None:  # sign_if_stale has just signed it
        raise StatusListNotFound(f"There is no token status list {list_id}.")
    return SecuredList(body=token.encode("ascii"), ttl_seconds=TOKEN_TTL_SECONDS)


def _statuses(session: Session, list_id: int) -> tsl.StatusList:
    statuses = tsl.StatusList(DOMAIN_SIZE, bits=BITS)
    rows = session.execute(
        select(WalletCredential.token_index, Credential.status)
        .join(Credential, Credential.id == WalletCredential.credential_id)
        .where(
            WalletCredential.token_list_id == list_id,
            Credential.status != CredentialStatus.active.value,
        )
    )
    for index, status in rows:
        statuses.set(index, _STATUS_VALUES.get(status, tsl.INVALID))
    return statuses


def _stale(token: str, now: datetime, signer: JwsSigner) -> bool:
    try:
        decoded = jws.decode(token)
    except JoseError:
        return True
    expires_at = decoded.payload.get("exp")
    if not isinstance(expires_at, int) or decoded.header.get("kid") != signer.verification_method:
        return True
    return expires_at - now.timestamp() < TOKEN_VALIDITY_SECONDS / 2


def publish_new(
    session: Session, *, list_id: int, signer: JwsSigner, base_url: str, now: datetime
) -> bool:
    """Sign token list `list_id` if it was never signed (just opened by an allocation), so
    its URL answers as soon as the credential pointing at it exists; whether it was signed.
    A list already signed is not locked: issuance never waits on a status change."""
    query = select(StatusList).where(
        StatusList.id == list_id,
        StatusList.purpose == StatusPurpose.token.value,
        StatusList.signed_token.is_(None),
    )
    status_list = session.scalars(
        query.with_for_update().execution_options(populate_existing=True)
    ).one_or_none()
    if status_list is None:
        return False
    return sign_if_stale(session, status_list, signer=signer, base_url=base_url, now=now)


def published_tokens(session: Session, *, list_ids: Iterable[int]) -> dict[int, str | None]:
    """The Status List Token of each existing token list among `list_ids`, as stored when it
    was signed (None when its current revision was never signed).

    Reads only, never signs: what verification sees, exactly as a foreign verifier would.
    """
    ids = sorted({list_id for list_id in list_ids if 1 <= list_id <= MAX_LIST_ID})
    if not ids:
        return {}
    rows = session.execute(
        select(
            StatusList.id, StatusList.revision, StatusList.signed_revision, StatusList.signed_token
        ).where(StatusList.id.in_(ids), StatusList.purpose == StatusPurpose.token.value)
    )
    return {
        list_id: token if token is not None and signed_revision == revision else None
        for list_id, revision, signed_revision, token in rows
    }
