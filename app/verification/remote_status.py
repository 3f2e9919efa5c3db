"""Status lists of other trusted issuers: fetched only from their own host, cached by ttl/ETag.

On by default (`NASSC_FETCH_TRUSTED_STATUS_LISTS`; `create_app` gives `RemoteStatusLists` an
`HttpsListFetcher`); when off, a list on another host is "not fetched" and the check is
`unknown`. A list is fetched only when:
- the credential's issuer is in the trust registry and its DID is a did:web, and the URL's
  host is exactly that DID's host (so a credential cannot point the verifier anywhere else);
- the URL is `https`, with no user info;
and the fetch (`app.outbound.SafeFetcher`) reaches only public addresses, follows no
redirects, ends within `TIMEOUT_SECONDS` in total and reads at most `MAX_BYTES`.

Cached copies are served for the list's `ttl` (milliseconds, clamped to 30 s … 1 h), then
revalidated with `If-None-Match`. A failed fetch after that is `unknown`, never the stale
answer. The fetcher is injected so tests can simulate an unreachable host.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

from app.outbound import OutboundError, SafeFetcher
from app.verification.checks import Code
from app.verification.errors import UnverifiableInput
from app.verification.forms import credential_from_token
from app.verification.lanes import outside_lane
from app.verification.status_check import ListDocument, StatusListUnavailable
from app.verification.trust import TrustedKeys

MAX_BYTES: Final = 256 * 1024
TIMEOUT_SECONDS: Final = 3.0
MIN_TTL: Final = timedelta(seconds=30)
MAX_TTL: Final = timedelta(hours=1)
DEFAULT_TTL: Final = timedelta(minutes=5)
_CACHE_SIZE: Final = 1024
logger = logging.getLogger("app.verification.remote_status")
ACCEPT: Final = "application/vc+jwt, application/vc, application/json;q=0.9"


class FetchError(Exception):
    """The list could not be fetched (network error, status, size, content type)."""


@dataclass(frozen=True, slots=True)
class FetchResponse:
    """What a fetch returned: 200 with a body, or 304 (not modified)."""

    status: int
    body: bytes = b""
    etag: str | None = None


class ListFetcher(Protocol):
    """Fetches one URL (already checked to be allowed)."""

    def fetch(self, url: str, *, etag: str | None) -> FetchResponse:
        """GET `url` (conditionally when `etag` is given); raises `FetchError`."""
        ...


class HttpsListFetcher:
    """A list GET through `app.outbound.SafeFetcher`: public addresses only (unless allowed),
    certificate-checked, no redirects, a total deadline, a size cap and a pool of its own."""

    def __init__(self, fetcher: SafeFetcher | None = None) -> None:
        self._fetcher = fetcher or SafeFetcher(deadline=TIMEOUT_SECONDS, max_bytes=MAX_BYTES)

    def fetch(self, url: str, *, etag: str | None) -> FetchResponse:
        """GET `url`; 3xx and other non-200/304 answers are errors (no redirect is followed)."""
        headers = {"Accept": ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        try:
            response = self._fetcher.get(url, headers=headers)
        except OutboundError as error:
            raise FetchError(error.reason) from error
        if response.status == 304:
            return FetchResponse(status=304, etag=response.headers.get("etag") or etag)
        if response.status != 200:
            raise FetchError(f"the host answered {response.status}")
        return FetchResponse(status=200, body=response.body, etag=response.headers.get("etag"))

    def close(self) -> None:
        """Stop the fetcher's threads."""
        self._fetcher.close()


@dataclass(slots=True)
class _Cached:
    body: bytes
    etag: str | None
    fresh_until: datetime


class RemoteStatusLists:
    """A `StatusListSource` for trusted issuers' own hosts, with a ttl/ETag cache."""

    def __init__(self, fetcher: ListFetcher, *, clock: Callable[[], datetime]) -> None:
        self._fetcher = fetcher
        self._clock = clock
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._lock = threading.Lock()

    def prefetch(self, urls: Sequence[str]) -> None:
        """Nothing: remote lists are fetched one by one, and only when allowed."""

    def retrieve(self, url: str, *, issuer: TrustedKeys) -> ListDocument:
        """The list at `url` if the issuer's host serves it (see the module docstring)."""
        _require_allowed(url, issuer)
        now = self._clock()
        with self._lock:
            cached = self._cache.get(url)
        if cached is not None and cached.fresh_until > now:
            return _document(cached.body)
        try:
            # Waiting on another host is no work: the verification's lane is free meanwhile.
            with outside_lane():
                response = self._fetcher.fetch(url, etag=cached.etag if cached else None)
        except FetchError as error:
            # The reason stays in the log: echoed, it would tell a caller what the network
            # behind this server looks like.
            logger.info("status list not fetched", extra={"url": url, "reason": str(error)})
            raise StatusListUnavailable(
                Code.status_list_unavailable, "the status list could not be fetched"
            ) from error
        if response.status == 304 and cached is not None:
            body, etag = cached.body, response.etag or cached.etag
        elif response.status == 200:
            body, etag = response.body, response.etag
        else:
            raise StatusListUnavailable(
                Code.status_list_unavailable, "the host answered 304 to an unconditional request"
            )
        retrieved = _document(body)
        entry = _Cached(body=body, etag=etag, fresh_until=now + _ttl(retrieved))
        with self._lock:
            self._cache[url] = entry
            self._cache.move_to_end(url)
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return retrieved


def _require_allowed(url: str, issuer: TrustedKeys) -> None:
    parts = urlsplit(url)
    host = (parts.netloc or "").lower()
    if (
        parts.scheme != "https"
        or "@" in host
        or not issuer.status_hosts
        or host not in issuer.status_hosts
    ):
        raise StatusListUnavailable(
            Code.status_list_not_fetched,
            "the status list is not on the issuer's own host, so it was not fetched.",
        )


def _document(body: bytes) -> ListDocument:
    text = body.strip()
    if text.startswith(b"{"):
        try:
            value = json.loads(text)
        except ValueError as error:
            raise StatusListUnavailable(
                Code.status_list_invalid, "the fetched status list is not JSON"
            ) from error
        if not isinstance(value, dict):
            raise StatusListUnavailable(
                Code.status_list_invalid, "the status list is not an object"
            )
        return ListDocument(document=value)
    try:
        return ListDocument(token=text.decode("ascii"))
    except UnicodeDecodeError as error:
        raise StatusListUnavailable(
            Code.status_list_invalid, "the fetched status list is neither JSON nor a JWS"
        ) from error


def _ttl(retrieved: ListDocument) -> timedelta:
    """The list's own `ttl` (unverified here; it only bounds caching), clamped."""
    document: Any = retrieved.document
    if document is None and retrieved.token is not None:
        try:
            document = credential_from_token(retrieved.token).claimed
        except UnverifiableInput:
            return MIN_TTL
    subject = document.get("credentialSubject") if isinstance(document, dict) else None
    ttl = subject.get("ttl") if isinstance(subject, dict) else None
    if isinstance(ttl, int) and not isinstance(ttl, bool) and ttl > 0:
        return min(max(timedelta(milliseconds=ttl), MIN_TTL), MAX_TTL)
    return DEFAULT_TTL
