"""Keys of an issuer outside the trust registry, resolved from its DID for the VC API.

- `did:key`: offline, from the DID itself (`trust.resolve_did_key`).
- `did:web`: its DID document fetched over https through `app.outbound.SafeFetcher`, with
  the protections of the status-list fetch (public addresses only unless allowed, no
  redirects, a total deadline and a size cap); answers, good or bad, are kept a few minutes.

Resolved keys are never *trusted*: the VC API reports such an issuer under `warnings`, and
our employer API and pages do not resolve at all.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from app.crypto.did import did_web_document_url, did_web_host
from app.outbound import OutboundError, SafeFetcher
from app.verification.trust import (
    DidDocumentError,
    TrustedKeys,
    assertion_keys,
    resolve_did_key,
)

CACHE_SECONDS: Final = 300
FAILURE_SECONDS: Final = 30
CACHE_SIZE: Final = 128
ACCEPT: Final = "application/did+ld+json, application/did+json, application/json"


class DidWebResolver:
    """did:web documents over https, cached (failures for less time)."""

    def __init__(self, fetcher: SafeFetcher, *, clock: Callable[[], datetime]) -> None:
        self._fetcher = fetcher
        self._clock = clock
        self._cache: OrderedDict[str, tuple[datetime, TrustedKeys | None]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, did: str) -> TrustedKeys | None:
        """The keys `did`'s document lists under assertionMethod, or None."""
        url = did_web_document_url(did)
        if url is None:
            return None
        now = self._clock()
        with self._lock:
            cached = self._cache.get(did)
            if cached is not None and cached[0] > now:
                return cached[1]
        keys = self._fetch(did, url)
        seconds = CACHE_SECONDS if keys is not None else FAILURE_SECONDS
        with self._lock:
            self._cache[did] = (now + timedelta(seconds=seconds), keys)
            self._cache.move_to_end(did)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return keys

    def _fetch(self, did: str, url: str) -> TrustedKeys | None:
        try:
            response = self._fetcher.get(url, headers={"Accept": ACCEPT})
        except OutboundError:
            return None
        if response.status != 200:
            return None
        try:
            document = json.loads(response.body)
            keys = assertion_keys(did, document) if isinstance(document, dict) else {}
        except (ValueError, RecursionError, DidDocumentError):
            return None
        if not keys:
            return None
        host = did_web_host(did)
        return TrustedKeys(
            did=did,
            name=did,
            country=None,
            keys=keys,
            status_hosts=frozenset({host}) if host else frozenset(),
        )

    def close(self) -> None:
        """Stop the fetcher's threads."""
        self._fetcher.close()


class ForeignKeys:
    """The VC API's resolver: did:key offline, then did:web (when a resolver is given)."""

    def __init__(self, web: DidWebResolver | None = None) -> None:
        self.web = web

    def __call__(self, did: str) -> TrustedKeys | None:
        """The keys of `did`, or None when it cannot be resolved."""
        keys = resolve_did_key(did)
        if keys is None and self.web is not None:
            keys = self.web(did)
        return keys
