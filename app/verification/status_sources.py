"""Where status lists come from: the source protocol, and this service's published lists.

A status list is read exactly as a foreign verifier reads it: the published, already signed
list credential. This service's own lists come from `PublishedLists`, an adapter the
composition root (`app.main`) builds over the status domain's published rows; verification
never asks issuance to sign or publish a list (lists are published at issuance and when they
change, never on read). Lists of other trusted issuers come only through an opt-in fetcher
restricted to their own host (`app.verification.remote_status`). A credential's content never
chooses a host to contact.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from sqlalchemy.orm import Session

from app.verification.caches import CacheMiss, ExpiringCache, list_seconds
from app.verification.checks import Code
from app.verification.trust import TrustedKeys

TSL_PATH: Final = "tsl/"
"""After `PublishedLists.prefix`, where this service's Token Status Lists are served."""


class StatusListUnavailable(Exception):
    """A list that could not be retrieved; `code` says whether it was tried at all."""

    def __init__(self, code: Code, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ListDocument:
    """A status list credential as retrieved: a JSON document or a vc+jwt string.

    `content_key` is `content_key(document)` when the source has it already (cached lists).
    """

    document: dict[str, Any] | None = None
    token: str | None = None
    content_key: str | None = None


class StatusListSource(Protocol):
    """Where the engine gets status list credentials from."""

    def prefetch(self, urls: Sequence[str]) -> None:
        """A hint: these lists are about to be retrieved (a source may read them at once)."""
        ...

    def retrieve(self, url: str, *, issuer: TrustedKeys) -> ListDocument:
        """The list credential at `url` for a credential of `issuer`.

        Raises `StatusListUnavailable` when it cannot (or may not) be retrieved.
        """
        ...


class PublishedLists(Protocol):
    """This service's published status lists, as stored when they were signed.

    `prefix` is the URL of list 0 without its id (`{base_url}/status/`); Token Status Lists
    are at `{prefix}tsl/{id}`.
    """

    @property
    def prefix(self) -> str:
        """Every URL of this service's lists starts with it, followed by the list's id."""
        ...

    def read(self, session: Session, list_ids: Collection[int]) -> Mapping[int, Any]:
        """The published list credential of each existing list among `list_ids` (None for a
        list never published); lists that do not exist are left out. Reads only."""
        ...

    def read_tokens(self, session: Session, list_ids: Collection[int]) -> Mapping[int, Any]:
        """The Status List Token (`statuslist+jwt`) of each existing token list among
        `list_ids` (None for one never signed at its current revision). Reads only."""
        ...


def content_key(document: Mapping[str, Any]) -> str:
    """The SHA-256 of a document's canonical JSON (sorted keys): what verified lists are
    cached under."""
    serialized = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(serialized.encode("utf-8")).hexdigest()


class LocalStatusLists:
    """This service's lists (`{prefix}{id}`) as published, read from the database, never over
    HTTP and never signed here.

    Published lists read from the database are kept in `cache` (per app) for their `ttl`.
    Without a session (cache-only verification) a list that is not cached raises
    `CacheMiss`, and so does any URL for `remote`. Other URLs go to `remote` (a source
    restricted to trusted issuers' hosts) when given; otherwise they are not fetched and the
    check stays unknown. A list that was never published is unavailable: its check stays
    unknown.
    """

    def __init__(
        self,
        session: Session | None,
        *,
        published: PublishedLists,
        remote: StatusListSource | None = None,
        cache: ExpiringCache[int, ListDocument] | None = None,
    ) -> None:
        self._session = session
        self._published = published
        self._prefix = published.prefix
        self._remote = remote
        self._cache = cache
        self._current: dict[int, ListDocument] = {}

    def prefetch(self, urls: Sequence[str]) -> None:
        """Read every published list of ours among `urls` not cached, in one query."""
        ids = {i for i in (self._local_id(url) for url in urls) if i is not None}
        foreign = [url for url in urls if not url.startswith(self._prefix)]
        if self._remote is not None and foreign:
            self._require_session()  # a fetch blocks: never in cache-only verification
            self._remote.prefetch(foreign)
        missing = sorted(list_id for list_id in ids if self._cached(list_id) is None)
        if missing and self._session is not None:
            self._read(self._session, missing)

    def retrieve(self, url: str, *, issuer: TrustedKeys) -> ListDocument:
        """The list from the database when the URL is ours, else from `remote`, else refused."""
        if url.startswith(self._prefix + TSL_PATH):
            return self._local_token(url)
        if url.startswith(self._prefix):
            return self._local(url)
        if self._remote is None:
            raise StatusListUnavailable(
                Code.status_list_not_fetched,
                "the status list is on another host, and lists are not fetched from other hosts.",
            )
        self._require_session()
        return self._remote.retrieve(url, issuer=issuer)

    def _cached(self, list_id: int) -> ListDocument | None:
        if list_id in self._current:
            return self._current[list_id]
        retrieved = self._cache.get(list_id) if self._cache is not None else None
        if retrieved is not None:
            self._current[list_id] = retrieved
        return retrieved

    def _read(self, session: Session, list_ids: Sequence[int]) -> Mapping[int, Any]:
        changes = self._cache.changes_now() if self._cache is not None else 0
        documents = self._published.read(session, list_ids)
        for list_id, document in documents.items():
            if document is not None:
                self._keep(list_id, document, changes)
        return documents

    def _keep(self, list_id: int, document: dict[str, Any], changes: int) -> ListDocument:
        retrieved = ListDocument(document=document, content_key=content_key(document))
        self._current[list_id] = retrieved
        if self._cache is not None:
            self._cache.put(list_id, retrieved, changes=changes, seconds=list_seconds(document))
        return retrieved

    def _require_session(self) -> Session:
        if self._session is None:
            raise CacheMiss("the status list must be read from the database or fetched")
        return self._session

    def _local_id(self, url: str) -> int | None:
        list_id = url.removeprefix(self._prefix) if url.startswith(self._prefix) else ""
        if list_id.isascii() and list_id.isdigit() and len(list_id) <= 10:
            return int(list_id)
        return None

    def _local_token(self, url: str) -> ListDocument:
        """A Token Status List as last signed (never cached: it is one small read)."""
        list_id = self._local_id(url.replace(TSL_PATH, "", 1))
        tokens = self._published.read_tokens(self._require_session(), [list_id or 0])
        if list_id is None or list_id not in tokens:
            raise StatusListUnavailable(
                Code.status_list_unavailable, "the status list does not exist."
            )
        token = tokens[list_id]
        if not isinstance(token, str):
            raise StatusListUnavailable(
                Code.status_list_unavailable, "the status list has not been published."
            )
        return ListDocument(token=token)

    def _local(self, url: str) -> ListDocument:
        """The list's published credential (usually read by `prefetch` or from the cache)."""
        list_id = self._local_id(url)
        if list_id is None:
            raise StatusListUnavailable(
                Code.status_list_unavailable, "the status list does not exist."
            )
        cached = self._cached(list_id)
        if cached is not None:
            return cached
        documents = self._read(self._require_session(), [list_id])
        if list_id not in documents:
            raise StatusListUnavailable(
                Code.status_list_unavailable, "the status list does not exist."
            )
        cached = self._current.get(list_id)
        if cached is None:
            raise StatusListUnavailable(
                Code.status_list_unavailable, "the status list has not been published."
            )
        return cached
