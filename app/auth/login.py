"""One sign-in attempt, for the token endpoint and the console alike: throttled, audited.

A throttled attempt is refused before the secret is checked. A failed one is audited as
`auth.login-failed` and counted; when that makes the account or the address wait, an
`auth.throttled` event says which, for how long and after how many failures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from app.audit import service as audit_service
from app.auth.service import InvalidGrant
from app.auth.throttle import LoginThrottle

Target = tuple[str, dict[str, str]]
"""The audit target of a sign-in: the kind of account and what identifies the attempt."""

SignedIn = TypeVar("SignedIn")
"""What `authenticate` finds: a principal, or what an area's session is issued to."""


def attempt(
    *,
    authenticate: Callable[[], SignedIn],
    throttle: LoginThrottle,
    sessions: sessionmaker[Session],
    account: str,
    address: str,
    target: Target,
    now: datetime,
) -> SignedIn:
    """`authenticate()` unless the account or address must wait (`LoginThrottled`)."""
    throttle.check(account=account, address=address)
    try:
        signed_in = authenticate()
    except InvalidGrant as error:
        record_failed_login(sessions, target, error, now=now)
        count_failure(
            throttle, sessions, account=account, address=address, target_type=target[0], now=now
        )
        raise
    throttle.succeeded(account=account)
    return signed_in


def count_failure(
    throttle: LoginThrottle,
    sessions: sessionmaker[Session],
    *,
    account: str,
    address: str,
    target_type: str,
    now: datetime,
) -> None:
    """Count a failure against the account and the address; each key that now has to wait
    is audited as `auth.throttled`, in a transaction of its own (`record_detached`)."""
    for lockout in throttle.failed(account=account, address=address):
        entry = audit_service.AuditEntry(
            actor=None,
            action="auth.throttled",
            target_type=target_type if lockout.scope == "account" else "client_address",
            target_id=None,
            after={
                "scope": lockout.scope,
                "key": lockout.key,
                "failures": lockout.failures,
                "wait_seconds": lockout.seconds,
            },
        )
        audit_service.record_detached(sessions, entry, now=now)


def record_failed_login(
    sessions: sessionmaker[Session], target: Target, error: InvalidGrant, *, now: datetime
) -> None:
    """Audit a failed sign-in (`auth.login-failed`) in a transaction of its own."""
    # The request's transaction rolls back with the 401, and would take the event with it;
    # the failed attempt is therefore committed in a transaction of its own. This request
    # has only read so far, so it holds no lock the separate transaction could wait for.
    entry = audit_service.AuditEntry(
        actor=None,
        action="auth.login-failed",
        target_type=target[0],
        target_id=None,
        after={**target[1], "reason": error.detail or error.title},
    )
    audit_service.record_detached(sessions, entry, now=now)
