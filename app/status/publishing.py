"""Signing status lists: rebuild the bitstring from the credentials table, sign, serve.

A list is re-signed whenever its `revision` (bumped by every status change) differs from
`signed_revision`. The row is locked before the credentials are read, so a signature always
covers every change committed before it; a status change bumps the revision (taking the same
lock) before it reads, so the last signature of a list is always current.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.credentials.models import Credential, CredentialStatus, VcApiCredential
from app.credentials.signing import IssuerSigner
from app.crypto.status_list import Bitstring, encode_list
from app.status import token_lists
from app.status.builder import SecuredList, build_list_credential, list_url
from app.status.errors import StatusListNotFound
from app.status.models import MAX_LIST_ID, StatusList, StatusPurpose
from app.status.permutation import DOMAIN_SIZE

LIST_TTL_MS = 300_000
"""How long verifiers may cache a list (`ttl`, milliseconds; also the HTTP max-age)."""


class SecuringMechanism(StrEnum):
    """How a list credential is served: embedded Data Integrity proof or an enveloping JWS."""

    data_integrity = "data_integrity"
    vc_jwt = "vc_jwt"


def republish_changed_lists(
    session: Session, *, list_ids: Iterable[int], signer: IssuerSigner, base_url: str, now: datetime
) -> list[int]:
    """Give each list whose bits a status change altered a new revision, then re-sign them
    (`publish_lists`); returns the ids signed."""
    ids = sorted(set(list_ids))
    for list_id in ids:
        session.execute(
            update(StatusList)
            .where(StatusList.id == list_id)
            .values(revision=StatusList.revision + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return publish_lists(session, list_ids=ids, signer=signer, base_url=base_url, now=now)


def publish_lists(
    session: Session,
    *,
    list_ids: Iterable[int],
    signer: IssuerSigner,
    base_url: str,
    now: datetime,
    only_new: bool = False,
) -> list[int]:
    """Re-sign every given list whose revision is not signed yet; returns the ids signed.

    The bitstring is rebuilt from the credentials table: a revocation list has the bits of
    its revoked credentials, a suspension list those of its currently suspended ones. The
    lists are locked (in id order) first, so the credentials read afterwards include every
    change committed before. With `only_new` (issuance) only lists never published are
    signed, and lists already published are not locked: issuance never waits here.
    """
    ids = sorted(set(list_ids))
    if ids and only_new:
        unpublished = StatusList.signed_credential.is_(None) & StatusList.signed_token.is_(None)
        ids = list(
            session.scalars(select(StatusList.id).where(StatusList.id.in_(ids), unpublished))
        )
    if not ids:
        return []
    status_lists = session.scalars(
        select(StatusList)
        .where(StatusList.id.in_(ids))
        .order_by(StatusList.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    signed: list[int] = []
    for status_list in status_lists:
        if status_list.purpose == StatusPurpose.token.value:
            if token_lists.sign_if_stale(
                session, status_list, signer=signer.token_list_signer, base_url=base_url, now=now
            ):
                signed.append(status_list.id)
            continue
        if status_list.signed_credential is not None and (
            status_list.signed_revision == status_list.revision
        ):
            continue
        document = build_list_credential(
            url=list_url(base_url, status_list.id),
            issuer=signer.did,
            purpose=status_list.purpose,
            encoded_list=encode_list(_bitstring(session, status_list)),
            valid_from=now,
            ttl_ms=LIST_TTL_MS,
        )
        status_list.signed_credential = signer.data_integrity(document, created=now)
        status_list.signed_revision = status_list.revision
        status_list.updated_at = now
        signed.append(status_list.id)
    session.flush()
    return signed


def published_lists(
    session: Session, *, list_ids: Iterable[int]
) -> dict[int, dict[str, Any] | None]:
    """The published list credential of each existing list among `list_ids`, as stored when
    it was signed (None for a list whose current revision was never published).

    Reads only: what verification sees, exactly as a foreign verifier would.
    """
    ids = sorted({list_id for list_id in list_ids if 1 <= list_id <= MAX_LIST_ID})
    if not ids:
        return {}
    rows = session.execute(
        select(
            StatusList.id,
            StatusList.revision,
            StatusList.signed_revision,
            StatusList.signed_credential,
        ).where(StatusList.id.in_(ids))
    )
    return {
        list_id: stored if stored is not None and signed_revision == revision else None
        for list_id, revision, signed_revision, stored in rows
    }


def _bitstring(session: Session, status_list: StatusList) -> Bitstring:
    """The list's bits: the entries of our credentials and of tracked VC API credentials
    whose status is the list's purpose."""
    bits = Bitstring(DOMAIN_SIZE)
    for model in (Credential, VcApiCredential):
        if status_list.purpose == StatusPurpose.revocation.value:
            indexes = select(model.revocation_index).where(
                model.revocation_list_id == status_list.id,
                model.status == CredentialStatus.revoked.value,
            )
        else:
            indexes = select(model.suspension_index).where(
                model.suspension_list_id == status_list.id,
                model.status == CredentialStatus.suspended.value,
            )
        bits.set_all(index for index in session.scalars(indexes) if index is not None)
    return bits


ListStamp = tuple[int, int, datetime]
"""A list row's revision, signed revision and `updated_at`: every change of the row, through
any process, moves it (a status change bumps the revision, signing sets `updated_at`)."""


class ServedLists:
    """The Data Integrity list credentials this process served, serialized, each with the
    stamp of the row it was read from (per app, thread-safe, at most `size` lists).

    A request reads the row's stamp (a primary-key lookup without the document) and serves
    the copy when the stamp is the same: no document read, decoded or serialized again. A
    revocation committed through another process on the same database moves the stamp, so
    it is served at once, never after a cache lifetime.
    """

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._items: dict[int, tuple[ListStamp, SecuredList]] = {}
        self._lock = threading.Lock()

    def get(self, list_id: int, stamp: ListStamp) -> SecuredList | None:
        """The copy of the list served at `stamp`, if this process kept it."""
        item = self._items.get(list_id)
        return item[1] if item is not None and item[0] == stamp else None

    def put(self, list_id: int, stamp: ListStamp, secured: SecuredList) -> None:
        """Keep the copy serialized from the row at `stamp`."""
        with self._lock:
            self._items.pop(list_id, None)
            self._items[list_id] = (stamp, secured)
            while len(self._items) > self._size:
                del self._items[next(iter(self._items))]


def _row_of(session: Session, list_id: int, *columns: Any) -> tuple[Any, ...] | None:
    """The list's stamp then `columns` (a token list is not one of these lists: None)."""
    query = select(StatusList.revision, StatusList.signed_revision, StatusList.updated_at, *columns)
    not_token = StatusList.purpose != StatusPurpose.token.value
    row = session.execute(query.where(StatusList.id == list_id, not_token)).first()
    return None if row is None else tuple(row)


def signed_list(
    session: Session,
    *,
    list_id: int,
    signer: Callable[[Session], IssuerSigner],
    base_url: str,
    now: datetime,
) -> tuple[dict[str, Any], ListStamp]:
    """The signed list credential and the stamp of the row it was read from, signing it first
    if it never was (a list opened before issuance published the lists it opens; only then
    is `signer` called). Verification never calls this: it reads `published_lists`."""
    row = _row_of(session, list_id, StatusList.signed_credential)
    if row is None:
        raise StatusListNotFound(f"There is no status list {list_id}.")
    revision, signed_revision, _updated_at, stored = row
    if stored is None or revision != signed_revision:
        publish_lists(
            session, list_ids=[list_id], signer=signer(session), base_url=base_url, now=now
        )
        row = _row_of(session, list_id, StatusList.signed_credential)
    if row is None or row[3] is None:  # publish_lists has just signed it
        raise StatusListNotFound(f"There is no status list {list_id}.")
    revision, signed_revision, updated_at, credential = row
    return credential, (revision, signed_revision, updated_at)


def secured_list(
    session: Session,
    *,
    list_id: int | str,
    mechanism: SecuringMechanism,
    signer: Callable[[Session], IssuerSigner],
    base_url: str,
    now: datetime,
    served: ServedLists | None = None,
) -> SecuredList:
    """The list credential serialized with an embedded proof, or as a vc+jwt (signed now).

    With `served`, a Data Integrity list whose row has not changed since this process last
    served it is served again as it was, after reading only the row's stamp."""
    parsed = parse_list_id(list_id)
    data_integrity = mechanism is SecuringMechanism.data_integrity
    if served is not None and data_integrity:
        row = _row_of(session, parsed)
        if row is None:
            raise StatusListNotFound(f"There is no status list {list_id}.")
        revision, signed_revision, updated_at = row
        copy = served.get(parsed, (revision, signed_revision, updated_at))
        if copy is not None and revision == signed_revision:
            return copy
    credential, stamp = signed_list(
        session, list_id=parsed, signer=signer, base_url=base_url, now=now
    )
    ttl_ms = credential.get("credentialSubject", {}).get("ttl", LIST_TTL_MS)
    if not data_integrity:
        unsecured = {key: value for key, value in credential.items() if key != "proof"}
        body = signer(session).vc_jwt(unsecured).encode("ascii")
        return SecuredList(body=body, ttl_seconds=int(ttl_ms) // 1000)
    body = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    secured = SecuredList(body=body, ttl_seconds=int(ttl_ms) // 1000)
    if served is not None and stamp[0] == stamp[1]:
        served.put(parsed, stamp, secured)
    return secured


def parse_list_id(list_id: int | str) -> int:
    # A path segment that is not a list id is an unknown list (404), never a database error.
    if isinstance(list_id, str):
        if not (list_id.isascii() and list_id.isdigit()) or len(list_id) > 10:
            raise StatusListNotFound(f"There is no status list {list_id}.")
        list_id = int(list_id)
    if not 1 <= list_id <= MAX_LIST_ID:
        raise StatusListNotFound(f"There is no status list {list_id}.")
    return list_id
