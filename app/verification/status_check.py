"""Revocation and suspension from Bitstring Status Lists, without trusting where lists come from.

https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm — for each
`BitstringStatusListEntry`: retrieve the list credential, verify its proof with the *same
issuer's* keys, check its purpose and validity period, expand `encodedList` and read the
entry's bit. Anything that stops this ("could not retrieve", "list not verifiable", a
malformed entry) leaves the check `unknown`, never `passed`: an unreadable list is not a
statement that the credential is not revoked.

Where lists come from is a `StatusListSource` (`app.verification.status_sources`): this
service's published lists, or other trusted issuers' lists fetched from their own hosts.

Verified lists are cached per process, keyed by their exact content and the verifying key,
so a list is verified once per signature, not once per request. This service's own signed
lists are also kept per app for their `ttl` (see `app.verification.caches`), so a verification
usually reads no status list from the database at all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Generic, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import verify_proof
from app.crypto.did import did_of
from app.crypto.errors import CryptoError, JoseError, StatusListError
from app.crypto.jose import verify_vc_jwt
from app.crypto.status_list import (
    ENTRY_TYPE,
    LIST_CREDENTIAL_TYPE,
    LIST_TYPE,
    Bitstring,
    decode_list,
)
from app.verification.checks import Check, CheckName, CheckStatus, Code
from app.verification.dates import parse_datetime, parse_numeric_date
from app.verification.status_sources import (
    ListDocument,
    StatusListSource,
    StatusListUnavailable,
    content_key,
)
from app.verification.trust import TrustedKeys

__all__ = [
    "EntryResult",
    "ListDocument",
    "StatusListSource",
    "StatusListUnavailable",
    "StatusResult",
    "check_status",
    "content_key",
]

REVOCATION: Final = "revocation"
SUSPENSION: Final = "suspension"
CLOCK_SKEW: Final = timedelta(minutes=5)
"""Tolerance for a list signed by a clock slightly ahead of ours."""
_CACHE_SIZE: Final = 512

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class EntryResult:
    """One `credentialStatus` entry and what its list said (`value` None when unread)."""

    entry: Mapping[str, Any]
    purpose: str
    check: Check
    value: int | None = None


@dataclass(frozen=True, slots=True)
class StatusResult:
    """The revocation and suspension checks, and each entry's result."""

    revocation: Check
    suspension: Check
    entries: list[EntryResult]


class _Lru(Generic[K, V]):
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


@dataclass(frozen=True, slots=True)
class _VerifiedList:
    document: dict[str, Any] | None
    problem: str | None


_verified_lists: _Lru[tuple[str, bytes], _VerifiedList] = _Lru(_CACHE_SIZE)
_bitstrings: _Lru[str, Bitstring] = _Lru(_CACHE_SIZE)


def check_status(
    credential: Mapping[str, Any],
    *,
    issuer: TrustedKeys,
    source: StatusListSource,
    contexts: PinnedContexts,
    now: datetime,
) -> StatusResult:
    """The revocation and suspension checks of a verified credential of a trusted `issuer`."""
    status_entries = list(_status_entries(credential))
    source.prefetch(
        [url for e in status_entries if isinstance(url := e.get("statusListCredential"), str)]
    )
    entries = [
        _check_entry(entry, issuer=issuer, source=source, contexts=contexts, now=now)
        for entry in status_entries
    ]
    return StatusResult(
        revocation=_combine(REVOCATION, CheckName.revocation, entries),
        suspension=_combine(SUSPENSION, CheckName.suspension, entries),
        entries=entries,
    )


def _status_entries(credential: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    value = credential.get("credentialStatus")
    for entry in value if isinstance(value, list) else [value] if value is not None else []:
        yield entry if isinstance(entry, Mapping) else {"type": None}


_OUTCOMES: Final = {
    REVOCATION: (Code.revoked, "The issuer has revoked this credential.", Code.not_revoked),
    SUSPENSION: (Code.suspended, "The issuer has suspended this credential.", Code.not_suspended),
}


def _combine(purpose: str, name: CheckName, entries: list[EntryResult]) -> Check:
    """One check from every entry of `purpose`: any set bit fails, any unread one is unknown."""
    mine = [result for result in entries if result.purpose == purpose]
    if not mine:
        return Check.passed(
            name,
            Code.no_status_entry,
            f"The credential has no {purpose} status entry; the issuer cannot {_verb(purpose)} it.",
        )
    for result in mine:
        if result.check.status is CheckStatus.failed:
            return result.check
    for result in mine:
        if result.check.status is CheckStatus.unknown:
            return result.check
    return mine[0].check


def _verb(purpose: str) -> str:
    return "revoke" if purpose == REVOCATION else "suspend"


def _check_entry(
    entry: Mapping[str, Any],
    *,
    issuer: TrustedKeys,
    source: StatusListSource,
    contexts: PinnedContexts,
    now: datetime,
) -> EntryResult:
    claimed_purpose = entry.get("statusPurpose")
    purpose = claimed_purpose if isinstance(claimed_purpose, str) else None
    if entry.get("type") != ENTRY_TYPE:
        # An entry of another mechanism (e.g. 1EdTechRevocationList) is at least a revocation.
        return _unknown(
            entry,
            purpose if purpose in _OUTCOMES else REVOCATION,
            Code.unsupported_status,
            f"Status entries of type {entry.get('type')!r} are not supported; only {ENTRY_TYPE}.",
        )
    if purpose is None:
        return _unknown(entry, REVOCATION, Code.unsupported_status, "statusPurpose is missing.")
    if purpose not in _OUTCOMES:
        return EntryResult(entry, purpose, _ignored(purpose))
    index = entry.get("statusListIndex")
    url = entry.get("statusListCredential")
    size = entry.get("statusSize", 1)
    if not (isinstance(index, str) and index.isascii() and index.isdigit() and len(index) < 12):
        return _unknown(entry, purpose, Code.unsupported_status, "statusListIndex is malformed.")
    if not isinstance(url, str) or not url:
        return _unknown(entry, purpose, Code.unsupported_status, "statusListCredential is missing.")
    if size != 1 or isinstance(size, bool):
        return _unknown(
            entry, purpose, Code.unsupported_status, f"statusSize {size!r} is not supported."
        )
    try:
        retrieved = source.retrieve(url, issuer=issuer)
    except StatusListUnavailable as error:
        return _unknown(entry, purpose, error.code, f"Could not check: {error.detail}")
    verified = _verify_list(retrieved, issuer=issuer, contexts=contexts)
    if verified.document is None:
        return _unknown(
            entry, purpose, Code.status_list_invalid, f"Could not check: {verified.problem}"
        )
    problem = _list_problem(
        verified.document,
        url=url,
        issuer=issuer,
        purpose=purpose,
        now=now,
        jwt_claims=retrieved.token is not None,
    )
    if problem is not None:
        return _unknown(entry, purpose, Code.status_list_invalid, f"Could not check: {problem}")
    try:
        bits = _bitstring(verified.document["credentialSubject"]["encodedList"])
        value = bits.get_status(int(index))
    except StatusListError as error:
        return _unknown(
            entry, purpose, Code.status_list_invalid, f"Could not check: {error.detail}"
        )
    failed_code, failed_detail, passed_code = _OUTCOMES[purpose]
    name = CheckName(purpose)
    if value:
        return EntryResult(entry, purpose, Check.failed(name, failed_code, failed_detail), value)
    detail = f"The issuer's {purpose} list does not list this credential."
    return EntryResult(entry, purpose, Check.passed(name, passed_code, detail), value)


def _unknown(entry: Mapping[str, Any], purpose: str, code: Code, detail: str) -> EntryResult:
    name = CheckName.suspension if purpose == SUSPENSION else CheckName.revocation
    return EntryResult(entry, purpose, Check.unknown(name, code, detail))


def _ignored(purpose: Any) -> Check:
    # `refresh` and `message` entries say nothing about revocation or suspension.
    return Check.passed(CheckName.revocation, Code.no_status_entry, f"{purpose!r} entry ignored.")


def _verify_list(
    retrieved: ListDocument, *, issuer: TrustedKeys, contexts: PinnedContexts
) -> _VerifiedList:
    """The list credential verified with the issuer's keys (cached by content and key)."""
    if retrieved.token is not None:
        return _verify_list_jwt(retrieved.token, issuer=issuer)
    document = retrieved.document or {}
    proof = document.get("proof")
    method = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
    if not isinstance(method, str) or did_of(method) != issuer.did:
        return _VerifiedList(None, "the status list is not signed by the credential's issuer")
    key = issuer.keys.get(method)
    if key is None:
        return _VerifiedList(None, "the status list is signed with a key the issuer does not use")
    cache_key = (retrieved.content_key or content_key(document), _raw(key))
    cached = _verified_lists.get(cache_key)
    if cached is not None:
        return cached
    try:
        result = verify_proof(document, public_key=key, contexts=contexts)
    except CryptoError as error:
        verified = _VerifiedList(None, f"the status list cannot be processed: {error.detail}")
    else:
        verified = (
            _VerifiedList(result.verified_document, None)
            if result.verified and result.verified_document is not None
            else _VerifiedList(None, "the status list's proof does not verify")
        )
    _verified_lists.put(cache_key, verified)
    return verified


def _verify_list_jwt(token: str, *, issuer: TrustedKeys) -> _VerifiedList:
    def resolve(kid: str) -> Ed25519PublicKey:
        if did_of(kid) != issuer.did:
            raise KeyError(kid)
        return issuer.keys[kid]

    cache_key = ("jwt:" + token, issuer.did.encode())
    cached = _verified_lists.get(cache_key)
    if cached is not None:
        return cached
    try:
        verified = _VerifiedList(verify_vc_jwt(token, resolve_key=resolve), None)
    except JoseError as error:
        verified = _VerifiedList(None, f"the status list's JWS does not verify: {error.detail}")
    _verified_lists.put(cache_key, verified)
    return verified


def _list_problem(
    document: Mapping[str, Any],
    *,
    url: str,
    issuer: TrustedKeys,
    purpose: str,
    now: datetime,
    jwt_claims: bool = False,
) -> str | None:
    """Why a verified list cannot answer for this entry, or None when it can.

    With `jwt_claims` (a list secured as a vc+jwt) its `nbf` / `exp` count too: the JWS
    check reads no clock.
    """
    types = document.get("type")
    if not isinstance(types, list) or LIST_CREDENTIAL_TYPE not in types:
        return f"the document at the status URL is not a {LIST_CREDENTIAL_TYPE}"
    list_issuer = document.get("issuer")
    list_issuer_id = list_issuer.get("id") if isinstance(list_issuer, Mapping) else list_issuer
    if list_issuer_id != issuer.did:
        return "the status list is issued by another party than the credential"
    if document.get("id") != url:
        return "the status list's id is not the URL the credential names"
    subject = document.get("credentialSubject")
    subject_types = subject.get("type") if isinstance(subject, Mapping) else None
    if not isinstance(subject, Mapping) or LIST_TYPE not in (
        subject_types if isinstance(subject_types, list) else [subject_types]
    ):
        return f"the status list has no {LIST_TYPE} subject"
    purposes = subject.get("statusPurpose")
    purposes = purposes if isinstance(purposes, list) else [purposes]
    if purpose not in purposes:
        return f"the list is not a {purpose} list"
    if not isinstance(subject.get("encodedList"), str):
        return "the status list has no encodedList"
    valid_from = parse_datetime(document.get("validFrom"))
    valid_until = parse_datetime(document.get("validUntil"))
    if "validFrom" in document and (valid_from is None or valid_from > now + CLOCK_SKEW):
        return "the status list is not valid yet"
    if "validUntil" in document and (valid_until is None or valid_until < now):
        return "the status list has expired"
    if jwt_claims:
        not_before = parse_numeric_date(document.get("nbf"))
        expires = parse_numeric_date(document.get("exp"))
        if "nbf" in document and (not_before is None or not_before > now + CLOCK_SKEW):
            return "the status list is not valid yet (nbf)"
        if "exp" in document and (expires is None or expires <= now):
            return "the status list has expired (exp)"
    return None


def _bitstring(encoded: str) -> Bitstring:
    bits = _bitstrings.get(encoded)
    if bits is None:
        bits = decode_list(encoded)
        _bitstrings.put(encoded, bits)
    return bits


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)
