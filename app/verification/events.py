"""Writing the anonymous verification events of the mobility metric: at once, or in batches.

With `verification_event_buffer_seconds` at 0, each event is inserted through the request's
session, in its transaction: the row exists when the response is sent (the tests run so).

Otherwise (the default: 1 s) a verification writes nothing. Its event waits in memory, and a
background thread writes every waiting event in one transaction each interval, or as soon as
`BATCH_SIZE` are waiting; `EventRecorder.close` (at shutdown) writes the rest. What this
costs: a crash loses the events of at most the last interval (anonymous counts, nothing
else), and `/metrics` and the reports see an event up to one interval late. If the database
refuses a batch, it is kept and retried, up to `MAX_PENDING` events (then the oldest go).

The issuing country of one of our own credentials (its provider's) is looked up when the
event is written, in one query per batch, and cached per credential id: the id is held in
memory until then and is never stored.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.verification.caches import CacheMiss
from app.verification.models import VerificationEvent

BATCH_SIZE: Final = 200
"""A batch this large is written without waiting for the interval to end."""
MAX_PENDING: Final = 100_000
"""Events kept while the database refuses them; beyond this the oldest are dropped."""
_ISSUING_COUNTRY_CACHE: Final = 4096
_CHUNK: Final = 500

logger = logging.getLogger("app.verification.events")

IssuingCountries = Callable[[Session, Sequence[str]], Mapping[str, str | None]]
"""Looks up the issuing provider's country of each of our credentials among some ids (an
adapter over issuance, built by `app.main`); a credential it does not know has no country."""


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """One verification's event before it is written.

    `own_credential_id` names one of our credentials whose provider's country becomes
    `issuing_country` when the event is written; it is never stored.
    """

    outcome: str
    occurred_at: datetime
    standard_code: str | None = None
    sector: str | None = None
    issuing_country: str | None = None
    employer_country: str | None = None
    own_credential_id: str | None = None


class EventRecorder:
    """Records events through the request's session (`interval` 0) or buffers them."""

    def __init__(
        self,
        sessions: Callable[[], Session] | None,
        *,
        interval: float,
        batch_size: int = BATCH_SIZE,
        max_pending: int = MAX_PENDING,
        issuing_countries: IssuingCountries | None = None,
    ) -> None:
        self._sessions = sessions
        self._issuing_countries = issuing_countries
        self._interval = interval
        self._batch_size = batch_size
        self._pending: deque[PendingEvent] = deque(maxlen=max_pending)
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def buffered(self) -> bool:
        """Whether events wait in memory (else they are written with the request)."""
        return self._interval > 0 and self._sessions is not None

    @property
    def pending(self) -> int:
        """How many events wait to be written."""
        return len(self._pending)

    def record(self, session: Session | None, event: PendingEvent) -> None:
        """Buffer `event`, or insert it through `session` when events are not buffered.

        Unbuffered, without a session (cache-only verification), raises `CacheMiss`.
        """
        if not self.buffered:
            if session is None:
                raise CacheMiss("the event must be written with the request")
            write_events(session, [event], issuing_countries=self._issuing_countries)
            return
        with self._lock:
            self._pending.append(event)
            if self._thread is None:
                self._start()
        if len(self._pending) >= self._batch_size:
            self._wake.set()

    def flush(self) -> int:
        """Write every waiting event now, in one transaction; returns how many were written."""
        if self._sessions is None:
            return 0
        with self._flushing:
            with self._lock:
                batch = list(self._pending)
                self._pending.clear()
            if not batch:
                return 0
            try:
                with self._sessions() as session, session.begin():
                    write_events(session, batch, issuing_countries=self._issuing_countries)
            except Exception:
                with self._lock:
                    # Kept, in order, for the next attempt; beyond MAX_PENDING the oldest go.
                    self._pending = deque([*batch, *self._pending], maxlen=self._pending.maxlen)
                raise
            return len(batch)

    def close(self) -> None:
        """Stop the background thread and write what is waiting (call at shutdown)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._closing.set()
            self._wake.set()
            thread.join(timeout=30)
            self._closing.clear()
        try:
            self.flush()
        except Exception:  # shutting down: say what is lost rather than fail the shutdown
            logger.exception("%d verification events were not written", self.pending)

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="verification-events", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._closing.is_set():
            self._wake.wait(self._interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # the database may be back on the next round
                logger.exception("writing %d verification events failed", self.pending)


def write_events(
    session: Session,
    events: Sequence[PendingEvent],
    *,
    issuing_countries: IssuingCountries | None = None,
) -> None:
    """Insert `events` through `session` (one statement), their issuing countries resolved
    by `issuing_countries` (without it, our own credentials' countries stay unknown)."""
    own = [e.own_credential_id for e in events if e.own_credential_id is not None]
    countries = (
        _issuing_countries(session, own, lookup=issuing_countries)
        if issuing_countries is not None
        else {}
    )
    rows = [
        {
            "standard_code": event.standard_code,
            "sector": event.sector,
            "issuing_country": (
                countries.get(event.own_credential_id)
                if event.own_credential_id is not None
                else event.issuing_country
            ),
            "employer_country": event.employer_country,
            "outcome": event.outcome,
            "occurred_at": event.occurred_at,
        }
        for event in events
    ]
    session.execute(insert(VerificationEvent), rows)


def _issuing_countries(
    session: Session, credential_ids: Iterable[str], *, lookup: IssuingCountries
) -> dict[str, str | None]:
    """The issuing provider's country of each of our credentials (cached per process: a
    credential's provider never changes, and a provider's later change of country is not
    worth a query per event in an anonymous metric)."""
    found: dict[str, str | None] = {}
    missing: list[str] = []
    for credential_id in dict.fromkeys(credential_ids):
        if credential_id in _countries:
            found[credential_id] = _countries[credential_id]
        else:
            missing.append(credential_id)
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        rows = lookup(session, chunk)
        for credential_id in chunk:
            found[credential_id] = rows.get(credential_id)
    if missing:
        with _countries_lock:
            if len(_countries) + len(missing) > _ISSUING_COUNTRY_CACHE:
                _countries.clear()
            _countries.update((credential_id, found[credential_id]) for credential_id in missing)
    return found


_countries: dict[str, str | None] = {}
_countries_lock = threading.Lock()
