"""Throttling password and client-secret guessing: per account and per client address.

Each failed sign-in counts against the account (username or client id) and against the
client address. Past a few free failures, each key waits before its next attempt, the wait
doubling with every further failure:
- an **account** waits at most `ACCOUNT_MAX_SECONDS` (a minute), so an attacker can slow a
  real user down but not lock them out for long, while guessing one account from many
  addresses is held to about one try a minute;
- an **address** waits up to `ADDRESS_MAX_SECONDS`, so one source guessing across many
  accounts is slowed hard.
An attempt while a key waits is refused without checking the password (so it reveals
nothing and costs no hashing). Failures are forgotten `WINDOW_SECONDS` after the last one;
a success clears the account's count (not the address's: one valid account must not
reset a guessing address).

Counts live in this process (like the rate limit): with `--workers N` each worker keeps
its own, so the limits are N times looser. The clock is injected for tests.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from app.errors import AppError

ACCOUNT_FREE_FAILURES: Final = 5
ADDRESS_FREE_FAILURES: Final = 10
BASE_SECONDS: Final = 2.0
ACCOUNT_MAX_SECONDS: Final = 60.0
ADDRESS_MAX_SECONDS: Final = 15 * 60.0
WINDOW_SECONDS: Final = 15 * 60.0
MAX_KEYS: Final = 100_000

Scope = Literal["account", "address"]


class LoginThrottled(AppError):
    slug = "login-throttled"
    title = "Too many failed sign-ins"
    status = 429

    def __init__(self, retry_after: float) -> None:
        seconds = max(1, int(retry_after + 0.999))
        super().__init__(f"Try again in {seconds} s.", retry_after=seconds)
        self.retry_after = seconds
        self.headers["Retry-After"] = str(seconds)


@dataclass(slots=True)
class _Failures:
    count: int
    last: float
    blocked_until: float


@dataclass(frozen=True, slots=True)
class Lockout:
    """A key that has just begun to wait (recorded as an `auth.throttled` audit event)."""

    scope: Scope
    key: str
    failures: int
    seconds: float


class LoginThrottle:
    """Failed sign-ins by account and by address, with exponential backoff."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._entries: OrderedDict[tuple[Scope, str], _Failures] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, *, account: str, address: str) -> None:
        """Raise `LoginThrottled` if the account or the address must still wait."""
        now = self.clock()
        with self._lock:
            waits = [
                entry.blocked_until - now
                for entry in (self._live(key, now) for key in _keys(account, address))
                if entry is not None and entry.blocked_until > now
            ]
        if waits:
            raise LoginThrottled(max(waits))

    def failed(self, *, account: str, address: str) -> list[Lockout]:
        """Count a failure; return the keys that now have to wait."""
        now = self.clock()
        lockouts: list[Lockout] = []
        with self._lock:
            for scope, key in _keys(account, address):
                entry = self._live((scope, key), now) or _Failures(0, now, now)
                entry.count += 1
                entry.last = now
                free, ceiling = (
                    (ACCOUNT_FREE_FAILURES, ACCOUNT_MAX_SECONDS)
                    if scope == "account"
                    else (ADDRESS_FREE_FAILURES, ADDRESS_MAX_SECONDS)
                )
                if entry.count >= free:
                    seconds = min(ceiling, BASE_SECONDS * 2 ** (entry.count - free))
                    entry.blocked_until = now + seconds
                    lockouts.append(Lockout(scope, key, entry.count, seconds))
                self._entries[(scope, key)] = entry
                self._entries.move_to_end((scope, key))
            while len(self._entries) > MAX_KEYS:
                self._entries.popitem(last=False)
        return lockouts

    def succeeded(self, *, account: str) -> None:
        """Forget the account's failures."""
        with self._lock:
            self._entries.pop(("account", _account_key(account)), None)

    def _live(self, key: tuple[Scope, str], now: float) -> _Failures | None:
        entry = self._entries.get(key)
        if entry is not None and now - entry.last > WINDOW_SECONDS and entry.blocked_until <= now:
            del self._entries[key]
            return None
        return entry


def _account_key(account: str) -> str:
    return account.strip().casefold()


def _keys(account: str, address: str) -> tuple[tuple[Scope, str], tuple[Scope, str]]:
    return (("account", _account_key(account)), ("address", address))
