"""Retrying mail: each server runs one `MailSchedule` thread (when mail is configured) that
delivers every message due, at start and then every `NASSC_MAIL_RETRY_SECONDS`. Messages
are usually sent at once, after the request that queued them; this pass retries the ones
that failed for a reason that may pass and takes up those whose worker stopped.

A pass over every due message runs once at a time in a process: a page that asks for one
while one runs (the batch page does on each refresh while its mail waits) leaves it to the
running pass, which looks for due messages again before it ends."""

from __future__ import annotations

import logging
import threading
import weakref

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.deliveries import service
from app.mail.smtp import SmtpConfig, smtp_config

logger = logging.getLogger("app.deliveries")


class _Passes:
    """One pass over the due messages at a time; a pass asked for meanwhile is run by the
    running one once it is done (`asked` is set again, so it goes round once more)."""

    def __init__(self) -> None:
        self.running = threading.Lock()
        self.asked = threading.Event()


_passes: weakref.WeakKeyDictionary[sessionmaker[Session], _Passes] = weakref.WeakKeyDictionary()
_passes_lock = threading.Lock()


def _passes_of(sessions: sessionmaker[Session]) -> _Passes:
    with _passes_lock:
        return _passes.setdefault(sessions, _Passes())


def deliver_due(
    sessions: sessionmaker[Session], settings: Settings, ids: list[int] | None = None
) -> None:
    """Deliver the given messages (every due one without `ids`) if mail is configured;
    for background tasks and the schedule, so it never raises."""
    config = smtp_config(settings)
    if config is None:
        return
    if ids is not None:
        _deliver(sessions, settings, config, ids)
        return
    passes = _passes_of(sessions)
    passes.asked.set()
    while passes.asked.is_set():
        if not passes.running.acquire(blocking=False):
            return  # the running pass goes round again
        try:
            passes.asked.clear()
            _deliver(sessions, settings, config, None)
        finally:
            passes.running.release()


def _deliver(
    sessions: sessionmaker[Session], settings: Settings, config: SmtpConfig, ids: list[int] | None
) -> None:
    try:
        service.deliver(sessions, config=config, base_url=settings.public_base_url, ids=ids)
    except Exception:  # a failed pass must not take the server down; the next one retries
        logger.exception("delivering mail failed")


class MailSchedule:
    """A daemon thread that calls `deliver_due` at start, then every interval."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread, unless mail is off or retries are (`NASSC_MAIL_RETRY_SECONDS=0`)."""
        if self._thread is not None or smtp_config(self._settings) is None:
            return
        if self._settings.mail_retry_seconds <= 0:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="mail-delivery", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Stop after the message being sent."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join(timeout=timeout)

    def _run(self) -> None:
        deliver_due(self._sessions, self._settings)
        while not self._stop.wait(self._settings.mail_retry_seconds):
            deliver_due(self._sessions, self._settings)
