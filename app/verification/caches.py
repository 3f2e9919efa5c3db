"""What verification keeps in memory between requests, and how stale each copy may be.

| cache (per app) | holds                          | a change made by another process is seen |
|-----------------|--------------------------------|------------------------------------------|
| `own_keys`      | this service's published keys  | within `OWN_KEYS_SECONDS` (5 s)          |
| `own_lists`     | this service's signed lists    | within the list's `ttl` (5 min)          |

Rotations, retirements, revocations and suspensions made by other workers (or the command
line) therefore reach this process within those bounds; those committed by this process are
seen on its next request, and a copy read while one was being committed is never kept
(`app.changes`). The spec lets any verifier keep a status list for its `ttl`, and
`/status/{id}` tells HTTP caches the same.

Also per process, elsewhere, and never stale: verified status lists and decoded bitstrings,
keyed by their exact content (`status_check`); published standard versions, immutable once
published (`recognition`); parsed pinned DID documents, keyed by row and `updated_at`
(`trust`).

`CacheMiss` is how the sources tell cache-only verification (no session: on the event loop)
that they need the database or the network; the request is then verified again in a worker
thread, with a session.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from app.changes import ChangeCounter

if TYPE_CHECKING:
    from app.verification.status_check import ListDocument
    from app.verification.trust import TrustedKeys

OWN_KEYS_SECONDS: Final = 5.0
"""How long another process's key rotation or retirement may go unseen here."""
MAX_LIST_SECONDS: Final = 300.0
"""The longest a list is kept, whatever `ttl` it states (ours state 300 000 ms)."""
OWN_KEYS_SIZE: Final = 4
OWN_LISTS_SIZE: Final = 1024

K = TypeVar("K")
V = TypeVar("V")


class CacheMiss(Exception):
    """Verification without a session needs what is not cached (a database read, a fetch)."""


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    value: V
    changes: int
    expires: float


class ExpiringCache(Generic[K, V]):
    """Copies of database rows, each valid until it expires or `changes` moves.

    Read `changes_now()` *before* querying and pass it to `put`: a copy read before a
    committed change is then dropped instead of kept.
    """

    def __init__(
        self,
        changes: ChangeCounter,
        *,
        size: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._changes = changes
        self._size = size
        self._clock = clock
        self._items: dict[K, _Entry[V]] = {}
        self._lock = threading.Lock()

    def changes_now(self) -> int:
        """The change counter to pass to `put` for a query about to be made."""
        return self._changes.value

    def get(self, key: K) -> V | None:
        """The copy of `key`, unless there is none, it expired or a change was committed."""
        entry = self._items.get(key)
        if entry is None or entry.changes != self._changes.value or self._clock() >= entry.expires:
            return None
        return entry.value

    def put(self, key: K, value: V, *, changes: int, seconds: float) -> None:
        """Keep `value` for `seconds`, unless a change was committed since `changes` was read."""
        if seconds <= 0:
            return
        with self._lock:
            if changes != self._changes.value:
                return
            self._items.pop(key, None)
            self._items[key] = _Entry(value, changes, self._clock() + seconds)
            while len(self._items) > self._size:
                del self._items[next(iter(self._items))]


@dataclass(frozen=True, slots=True)
class VerifierCaches:
    """The caches of one app (one database), shared by its requests and threads."""

    own_keys: ExpiringCache[str, TrustedKeys]
    own_lists: ExpiringCache[int, ListDocument]

    @classmethod
    def watching(cls, *, keys: ChangeCounter, lists: ChangeCounter) -> VerifierCaches:
        """Caches whose copies a committed change of signing keys (`keys`) or of signed
        status lists (`lists`) makes stale; the composition root hands in both counters."""
        return cls(
            own_keys=ExpiringCache(keys, size=OWN_KEYS_SIZE),
            own_lists=ExpiringCache(lists, size=OWN_LISTS_SIZE),
        )


def list_seconds(document: dict[str, Any]) -> float:
    """How long a signed list may be kept: its `ttl` (milliseconds), at most `MAX_LIST_SECONDS`.

    https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslist — `ttl` is how long a
    verifier may cache the list; a list without a usable one is not kept.
    """
    subject = document.get("credentialSubject")
    ttl = subject.get("ttl") if isinstance(subject, dict) else None
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not ttl > 0:
        return 0.0
    return min(float(ttl) / 1000, MAX_LIST_SECONDS)
