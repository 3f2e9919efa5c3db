"""Request dependencies for issuing: the pinned contexts, the issuer's current signer, and
the issuing call (who asks, under which retry key), in one of the process's issuing lanes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from app.auth.dependencies import IssuingPrincipal, SettingsDep
from app.auth.roles import Principal
from app.config import Settings
from app.credentials.signing import IssuerSigner, current_signer
from app.crypto.contexts import PinnedContexts
from app.db import SessionDep
from app.keys.dependencies import KeyCacheDep

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Retries with the same key return the first result and issue nothing twice",
    ),
]


def get_contexts(request: Request) -> PinnedContexts:
    """The pinned JSON-LD contexts, loaded once at start-up."""
    contexts: PinnedContexts = request.app.state.contexts
    return contexts


ContextsDep = Annotated[PinnedContexts, Depends(get_contexts)]


def get_signer(
    session: SessionDep, settings: SettingsDep, cache: KeyCacheDep, contexts: ContextsDep
) -> IssuerSigner:
    """The issuer's signer with the key active now (503 if there is none)."""
    return current_signer(session, settings=settings, cache=cache, contexts=contexts)


SignerDep = Annotated[IssuerSigner, Depends(get_signer)]


async def issuing_lane(request: Request) -> AsyncIterator[None]:
    """Hold one of the process's issuing lanes (`Settings.issuing_lanes`) from before the
    request's session opens until it has committed.

    An issuance waits on database locks (status lists, the audit chain's head) that other
    issuances hold while they compute; unbounded, the waiters took every worker thread, and
    verifications queued behind them. A request waiting for a lane waits on the event loop,
    holding no thread, no connection and no lock, and the few that hold a lane get the GIL
    (and their locks back) sooner (`bench/http_issuance.py`, `bench/load.py`).
    """
    limiter: anyio.CapacityLimiter = request.app.state.issuing_limiter
    lane = object()
    await limiter.acquire_on_behalf_of(lane)
    try:
        yield
    finally:
        limiter.release_on_behalf_of(lane)


@dataclass(frozen=True)
class IssuingCall:
    """One request to issue: its session, the settings, who asks, and its retry key."""

    session: Session
    settings: Settings
    principal: Principal
    idempotency_key: str | None


def get_issuing_call(
    _lane: Annotated[None, Depends(issuing_lane, scope="function")],
    session: SessionDep,
    settings: SettingsDep,
    principal: IssuingPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> IssuingCall:
    """The issuing call, in an issuing lane; the principal is checked before any signer is
    looked up."""
    return IssuingCall(session, settings, principal, idempotency_key)


IssuingCallDep = Annotated[IssuingCall, Depends(get_issuing_call)]
