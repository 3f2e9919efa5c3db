"""Batch signing in worker processes: both proofs are CPU-bound, so they use every core.

Workers are started with `spawn` (safe beside the server's threads) and load the pinned
contexts once. Each task carries the raw private key of the active key: it travels only
over the pipe to our own child processes and is never written anywhere.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import add_proof
from app.crypto.jose import sign_vc_jwt

_worker_contexts: PinnedContexts | None = None

SignedPair = tuple[dict[str, Any], str]


def _initialize(contexts_dir: str) -> None:
    global _worker_contexts
    _worker_contexts = PinnedContexts.load(Path(contexts_dir))


def sign_documents(
    documents: list[dict[str, Any]],
    *,
    private_key_raw: bytes,
    verification_method: str,
    created: datetime,
) -> list[SignedPair]:
    """Secure each document with a Data Integrity proof and as vc+jwt (runs in a worker)."""
    if _worker_contexts is None:
        raise RuntimeError("signing worker used before initialization")
    key = Ed25519PrivateKey.from_private_bytes(private_key_raw)
    return [
        (
            add_proof(
                document,
                private_key=key,
                verification_method=verification_method,
                created=created,
                contexts=_worker_contexts,
            ),
            sign_vc_jwt(document, private_key=key, kid=verification_method),
        )
        for document in documents
    ]


class SigningPool:
    """A lazily started process pool for signing."""

    def __init__(self, contexts_dir: Path, processes: int = 0) -> None:
        self.contexts_dir = contexts_dir
        self.processes = processes or os.cpu_count() or 1
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_initialize,
                initargs=(str(self.contexts_dir),),
            )
        return self._executor

    def submit(
        self,
        documents: list[dict[str, Any]],
        *,
        private_key: Ed25519PrivateKey,
        verification_method: str,
        created: datetime,
    ) -> list[Future[list[SignedPair]]]:
        """Split `documents` over the workers; the futures resolve in order."""
        raw = private_key.private_bytes_raw()
        size = max(1, -(-len(documents) // (self.processes * 2)))
        return [
            self._pool().submit(
                sign_documents,
                documents[start : start + size],
                private_key_raw=raw,
                verification_method=verification_method,
                created=created,
            )
            for start in range(0, len(documents), size)
        ]

    def shutdown(self) -> None:
        """Stop the workers."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
