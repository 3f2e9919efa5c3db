"""Request dependencies for the key store and this process's key cache."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.keys.service import KeyCache
from app.keys.store import KeyStore


def get_key_store(request: Request) -> KeyStore:
    """The app's private-key store."""
    store: KeyStore = request.app.state.key_store
    return store


def get_key_cache(request: Request) -> KeyCache:
    """The app's cache of decrypted private keys."""
    cache: KeyCache = request.app.state.key_cache
    return cache


KeyStoreDep = Annotated[KeyStore, Depends(get_key_store)]
KeyCacheDep = Annotated[KeyCache, Depends(get_key_cache)]
