"""Worker processes for proof work on the pinned JSON-LD contexts.

RDF canonicalization is pure Python and CPU-bound: under the GIL a process uses one core
however many threads it runs. Batch signing and Data Integrity verification therefore hand
their proofs to worker processes. Workers are started with `spawn` (safe beside the
server's threads), on first use or `warm()`, and each loads the pinned contexts once.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from app.crypto.contexts import PinnedContexts

T = TypeVar("T")

logger = logging.getLogger(__name__)

_contexts: PinnedContexts | None = None


def initialize(contexts_dir: str) -> None:
    """Load the pinned contexts of this worker process (the pool's initializer), and make
    it exit when the server process dies."""
    global _contexts
    exit_with_parent()
    _contexts = PinnedContexts.load(Path(contexts_dir))


def exit_with_parent() -> None:
    """Exit this process as soon as its parent dies (a no-op in a process not started by
    `multiprocessing`).

    A killed server leaves its workers behind otherwise: each holds both ends of the
    pool's call queue, so it never reads end-of-file and waits for work forever (and some
    100 MB each). A daemon thread waits on the parent's sentinel, a pipe that only the
    parent's death closes: no polling, on every platform. (Not `PR_SET_PDEATHSIG`: it fires
    when the *thread* that started the worker ends, and pools start workers from whichever
    request thread submitted first.)
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def worker_contexts() -> PinnedContexts:
    """The pinned contexts of this worker process."""
    if _contexts is None:
        raise RuntimeError("proof worker used before initialization")
    return _contexts


def _ready() -> bool:
    return _contexts is not None


class ProofWorkers:
    """A lazily started pool of `processes` worker processes; thread-safe.

    A pool whose worker died (killed for memory, say) is broken: its pending futures raise
    `BrokenProcessPool`, and the next `submit` starts a new pool.
    """

    def __init__(self, contexts_dir: Path, processes: int) -> None:
        if processes < 1:
            raise ValueError("a worker pool needs at least one process")
        self.contexts_dir = contexts_dir
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Run `function(*args, **kwargs)` in a worker; it may read `worker_contexts()`."""
        executor = self._pool()
        try:
            return executor.submit(function, *args, **kwargs)
        except BrokenProcessPool:
            logger.warning("proof worker pool broken; starting a new one")
            self._discard(executor)
            return self._pool().submit(function, *args, **kwargs)

    def warm(self) -> None:
        """Start every worker now (without waiting for them), not at the first request."""
        for _ in range(self.processes):
            self.submit(_ready)

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        """Stop the workers."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=initialize,
                    initargs=(str(self.contexts_dir),),
                )
            return self._executor
