"""Batch signing in worker processes (`app.crypto.workers`): both proofs are CPU-bound, so
they use every core.

Each task carries the raw private key of the active key: it travels only over the pipe to
our own child processes and is never written anywhere.
"""

from __future__ import annotations

import os
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.crypto.data_integrity import add_proof
from app.crypto.jose import sign_vc_jwt
from app.crypto.workers import ProofWorkers, worker_contexts

SignedPair = tuple[dict[str, Any], str]


def sign_documents(
    documents: list[dict[str, Any]],
    *,
    private_key_raw: bytes,
    verification_method: str,
    created: datetime,
) -> list[SignedPair]:
    """Secure each document with a Data Integrity proof and as vc+jwt (runs in a worker)."""
    contexts = worker_contexts()
    key = Ed25519PrivateKey.from_private_bytes(private_key_raw)
    return [
        (
            add_proof(
                document,
                private_key=key,
                verification_method=verification_method,
                created=created,
                contexts=contexts,
            ),
            sign_vc_jwt(document, private_key=key, kid=verification_method),
        )
        for document in documents
    ]


class SigningPool:
    """Worker processes for signing batches, started at the first batch."""

    def __init__(self, contexts_dir: Path, processes: int = 0) -> None:
        self.processes = processes or os.cpu_count() or 1
        self._workers = ProofWorkers(contexts_dir, self.processes)

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
            self._workers.submit(
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
        self._workers.shutdown()
