"""Revocation and suspension of an SD-JWT VC from its IETF Token Status List.

https://datatracker.ietf.org/doc/draft-ietf-oauth-status-list/ §8.3 — the credential's
`status.status_list {idx, uri}` names a Status List Token: retrieve it (from the same
`StatusListSource` as Bitstring lists: this service's published tokens, or a trusted issuer's
own host), check that it is a `statuslist+jwt` signed by a key of the credential's issuer,
that its `sub` is the `uri` and that it has not expired, then read the status at `idx`:
0 VALID, 1 INVALID (revoked), 2 SUSPENDED. Anything that stops this leaves both checks
`unknown`, never `passed`; a value this service does not define (3, application-specific)
too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from app.crypto import jws
from app.crypto import token_status_list as tsl
from app.crypto.did import did_of
from app.crypto.errors import JoseError, TokenStatusListError
from app.verification.checks import Check, CheckName, CheckStatus, Code
from app.verification.status_check import EntryResult
from app.verification.status_sources import StatusListSource, StatusListUnavailable
from app.verification.trust import TrustedKeys

STATUS_LIST: Final = "status_list"
"""The `purpose` of a Token Status List entry: one entry answers both checks."""


@dataclass(frozen=True, slots=True)
class TokenStatusResult:
    """The revocation and suspension checks, and the one entry read (with the check it
    failed, or else the revocation check)."""

    revocation: Check
    suspension: Check
    entries: tuple[EntryResult, ...]


def check_token_status(
    claims: Mapping[str, Any], *, issuer: TrustedKeys, source: StatusListSource, now: datetime
) -> TokenStatusResult:
    """The revocation and suspension checks of a verified SD-JWT VC of `issuer`."""
    if "status" not in claims:
        return _both(
            Check.passed,
            Code.no_status_entry,
            "The credential has no status list entry; the issuer cannot revoke or suspend it.",
        )
    try:
        index, uri = tsl.reference(claims)
    except TokenStatusListError as error:
        return _both(Check.unknown, Code.unsupported_status, f"Could not check: {error.detail}.")
    entry = {"idx": index, "uri": uri}
    try:
        retrieved = source.retrieve(uri, issuer=issuer)
    except StatusListUnavailable as error:
        return _both(Check.unknown, error.code, f"Could not check: {error.detail}", entry)
    if retrieved.token is None:
        detail = "Could not check: the document at the status URI is not a Status List Token."
        return _both(Check.unknown, Code.status_list_invalid, detail, entry)
    try:
        statuses = _verified(retrieved.token, issuer=issuer, uri=uri, now=now)
        value = statuses.get(index)
    except TokenStatusListError as error:
        detail = f"Could not check: {error.detail}."
        return _both(Check.unknown, Code.status_list_invalid, detail, entry)
    return _read(value, entry)


def _verified(token: str, *, issuer: TrustedKeys, uri: str, now: datetime) -> tsl.StatusList:
    try:
        kid = jws.decode(token).header.get("kid")
    except JoseError as error:
        raise TokenStatusListError(error.detail) from error
    if not isinstance(kid, str) or did_of(kid) != issuer.did:
        raise TokenStatusListError("the status list is not signed by the credential's issuer")
    key = issuer.jws_key(kid)
    if key is None:
        raise TokenStatusListError("the status list is signed with a key the issuer does not use")
    return tsl.verify_token(token, public_key=key, uri=uri, now=now.timestamp()).status_list


def _read(value: int, entry: Mapping[str, Any]) -> TokenStatusResult:
    revoked = Check.failed(
        CheckName.revocation, Code.revoked, "The issuer has revoked this credential."
    )
    not_revoked = Check.passed(
        CheckName.revocation,
        Code.not_revoked,
        "The issuer's Token Status List does not list this credential as revoked.",
    )
    suspended = Check.failed(
        CheckName.suspension, Code.suspended, "The issuer has suspended this credential."
    )
    not_suspended = Check.passed(
        CheckName.suspension,
        Code.not_suspended,
        "The issuer's Token Status List does not list this credential as suspended.",
    )
    if value == tsl.VALID:
        return _result(not_revoked, not_suspended, entry, value)
    if value == tsl.INVALID:
        return _result(revoked, not_suspended, entry, value)
    if value == tsl.SUSPENDED:
        return _result(not_revoked, suspended, entry, value)
    detail = f"The Token Status List gives status {value:#04x}, which this verifier does not know."
    return _both(Check.unknown, Code.unsupported_status, detail, entry)


def _result(
    revocation: Check, suspension: Check, entry: Mapping[str, Any], value: int | None = None
) -> TokenStatusResult:
    check = suspension if suspension.status is not CheckStatus.passed else revocation
    if revocation.status is CheckStatus.failed:
        check = revocation
    return TokenStatusResult(
        revocation=revocation,
        suspension=suspension,
        entries=(EntryResult(entry, STATUS_LIST, check, value),),
    )


def _both(
    make: Callable[[CheckName, Code, str], Check],
    code: Code,
    detail: str,
    entry: Mapping[str, Any] | None = None,
) -> TokenStatusResult:
    revocation = make(CheckName.revocation, code, detail)
    suspension = make(CheckName.suspension, code, detail)
    if entry is None:
        return TokenStatusResult(revocation=revocation, suspension=suspension, entries=())
    return _result(revocation, suspension, entry)
