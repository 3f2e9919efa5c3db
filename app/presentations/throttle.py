"""How many presentation requests one address may make on the public page per minute.

Each request is a row and a QR code: without a limit of its own, a script could fill the
table far below the service-wide rate limit. Counted in this process, per address, over a
sliding minute.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from typing import Final

from app.errors import RateLimited

WINDOW_SECONDS: Final = 60.0
MAX_ADDRESSES: Final = 10_000


class CreationThrottle:
    """At most `per_minute` creations per address in any minute."""

    def __init__(self, per_minute: int) -> None:
        self._per_minute = per_minute
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, address: str, *, now: float | None = None) -> None:
        """Count one creation by `address`; `RateLimited` (429) when over the limit."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            times = self._seen.setdefault(address, deque())
            self._seen.move_to_end(address)
            while times and times[0] <= moment - WINDOW_SECONDS:
                times.popleft()
            if len(times) >= self._per_minute:
                raise RateLimited(retry_after=max(1, int(times[0] + WINDOW_SECONDS - moment) + 1))
            times.append(moment)
            if len(self._seen) > MAX_ADDRESSES:
                self._seen.popitem(last=False)
