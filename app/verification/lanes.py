"""Verification lanes: how many verifications a process computes at once.

A verification holds a lane while it computes. While it waits on another host (a trusted
issuer's status list, fetched by `app.outbound`), it steps out of its lane
(`outside_lane`), so a few slow hosts cannot hold the lanes that local verifications need;
it takes a lane again before computing on. The lanes are an `anyio.CapacityLimiter` made in
the app's lifespan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import anyio
import anyio.from_thread
import anyio.to_thread

T = TypeVar("T")


class Lane:
    """One verification's claim on a lane (the limiter's borrower)."""

    def __init__(self, limiter: anyio.CapacityLimiter) -> None:
        self.limiter = limiter
        self.held = False

    async def take(self) -> None:
        """Wait for a free lane."""
        await self.limiter.acquire_on_behalf_of(self)
        self.held = True

    def give_back(self) -> None:
        """Free the lane (from the event loop)."""
        if self.held:
            self.held = False
            self.limiter.release_on_behalf_of(self)


_current: ContextVar[Lane | None] = ContextVar("verification_lane", default=None)


async def run_in_lane(limiter: anyio.CapacityLimiter, work: Callable[[], T]) -> T:
    """`work()` in a worker thread while holding a lane (stepping out of it when it waits)."""
    lane = Lane(limiter)
    await lane.take()
    try:
        return await anyio.to_thread.run_sync(_with_lane, lane, work)
    finally:
        lane.give_back()


def _with_lane(lane: Lane, work: Callable[[], T]) -> T:
    token = _current.set(lane)
    try:
        return work()
    finally:
        _current.reset(token)


@contextmanager
def outside_lane() -> Iterator[None]:
    """Free this thread's lane for the duration (a no-op outside a lane)."""
    lane = _current.get()
    if lane is None or not lane.held:
        yield
        return
    anyio.from_thread.run_sync(lane.give_back)
    try:
        yield
    finally:
        anyio.from_thread.run(lane.take)
