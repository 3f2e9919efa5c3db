"""Request dependencies for signing: the pinned contexts and the issuer's current signer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.auth.dependencies import SettingsDep
from app.credentials.signing import IssuerSigner, current_signer
from app.crypto.contexts import PinnedContexts
from app.db import SessionDep
from app.keys.dependencies import KeyCacheDep


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
