"""Request dependencies for issuing: the pinned contexts, the issuer's current signer, and
the issuing call (who asks, under which retry key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

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


@dataclass(frozen=True)
class IssuingCall:
    """One request to issue: its session, the settings, who asks, and its retry key."""

    session: Session
    settings: Settings
    principal: Principal
    idempotency_key: str | None


def get_issuing_call(
    session: SessionDep,
    settings: SettingsDep,
    principal: IssuingPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> IssuingCall:
    """The issuing call; the principal is checked before any signer is looked up."""
    return IssuingCall(session, settings, principal, idempotency_key)


IssuingCallDep = Annotated[IssuingCall, Depends(get_issuing_call)]
