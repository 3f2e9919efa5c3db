"""Where Data Integrity proofs are checked: in the caller's thread, or in worker processes.

Checking an `eddsa-rdfc-2022` proof is almost all RDF canonicalization, pure Python under
the GIL. In the server's own process every verification lane would share one core, so
`Proofs` with workers sends the check to worker processes (`app.crypto.workers`) and the
lane thread waits, holding no GIL; without workers it checks in the calling thread (tests,
tools and single-core machines). Both ways return the same `VerificationResult` and raise
the same `CryptoError`s.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import ASSERTION_METHOD, VerificationResult, verify_proof
from app.crypto.workers import ProofWorkers, worker_contexts

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Proofs:
    """Checks Data Integrity proofs (`verify_proof`): in `workers` when there are any, else
    in the calling thread. If the pool broke under a check, that one is checked locally (the
    next check starts a new pool)."""

    contexts: PinnedContexts
    workers: ProofWorkers | None = None

    @property
    def processes(self) -> int:
        """Worker processes (none: every proof is checked in the calling thread)."""
        return self.workers.processes if self.workers is not None else 0

    def start(self) -> None:
        """Start the workers now (without waiting for them), not at the first check."""
        if self.workers is not None:
            self.workers.warm()

    def shutdown(self) -> None:
        """Stop the workers."""
        if self.workers is not None:
            self.workers.shutdown()

    def __call__(
        self,
        document: Mapping[str, Any],
        *,
        public_key: Ed25519PublicKey,
        expected_proof_purpose: str = ASSERTION_METHOD,
        previous_proofs: Sequence[Mapping[str, Any]] = (),
    ) -> VerificationResult:
        """The result of checking `document`'s proof with `public_key` (for a proof of a
        chain, `previous_proofs` are those it names: `verify_proof`)."""
        if self.workers is not None:
            future = self.workers.submit(
                _verify_in_worker,
                document,
                public_key.public_bytes_raw(),
                expected_proof_purpose,
                tuple(previous_proofs),
            )
            try:
                return future.result()
            except BrokenProcessPool:
                logger.warning("a proof worker died; checking this proof in the server process")
        return verify_proof(
            document,
            public_key=public_key,
            contexts=self.contexts,
            expected_proof_purpose=expected_proof_purpose,
            previous_proofs=previous_proofs,
        )


def _verify_in_worker(
    document: Mapping[str, Any],
    public_key_raw: bytes,
    expected_proof_purpose: str,
    previous_proofs: Sequence[Mapping[str, Any]] = (),
) -> VerificationResult:
    return verify_proof(
        document,
        public_key=Ed25519PublicKey.from_public_bytes(public_key_raw),
        contexts=worker_contexts(),
        expected_proof_purpose=expected_proof_purpose,
        previous_proofs=previous_proofs,
    )


def proof_checker(
    contexts: PinnedContexts,
    *,
    contexts_dir: Path,
    processes: int | None,
    cpu_count: int | None,
) -> Proofs:
    """`Proofs` with `processes` workers that load `contexts_dir` (None: one per CPU core,
    none on a single core, where a pool would only add its overhead)."""
    if processes is None:
        processes = cpu_count if cpu_count and cpu_count > 1 else 0
    return Proofs(contexts, ProofWorkers(contexts_dir, processes) if processes else None)
