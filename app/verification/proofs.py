"""Where Data Integrity proofs are checked: in the caller's thread, or in worker processes.

Checking an `eddsa-rdfc-2022` proof is almost all RDF canonicalization, pure Python under
the GIL. In the server's own process every verification lane would share one core, so
`PooledProofs` sends the check to worker processes (`app.crypto.workers`) and the lane
thread waits, holding no GIL. `LocalProofs` checks in the calling thread: for tests, tools
and single-core machines. Both return the same `VerificationResult` and raise the same
`CryptoError`s.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import ASSERTION_METHOD, VerificationResult, verify_proof
from app.crypto.workers import ProofWorkers, worker_contexts

logger = logging.getLogger(__name__)


class ProofChecker(Protocol):
    """Checks one document's Data Integrity proof with `public_key` (`verify_proof`)."""

    def __call__(
        self,
        document: Mapping[str, Any],
        *,
        public_key: Ed25519PublicKey,
        expected_proof_purpose: str = ASSERTION_METHOD,
        previous_proofs: Sequence[Mapping[str, Any]] = (),
    ) -> VerificationResult: ...


@dataclass(frozen=True, slots=True)
class LocalProofs:
    """Checks proofs in the calling thread."""

    contexts: PinnedContexts
    processes: ClassVar[int] = 0
    """Worker processes: none."""

    def start(self) -> None:
        """Nothing to start."""

    def shutdown(self) -> None:
        """Nothing to stop."""

    def __call__(
        self,
        document: Mapping[str, Any],
        *,
        public_key: Ed25519PublicKey,
        expected_proof_purpose: str = ASSERTION_METHOD,
        previous_proofs: Sequence[Mapping[str, Any]] = (),
    ) -> VerificationResult:
        return verify_proof(
            document,
            public_key=public_key,
            contexts=self.contexts,
            expected_proof_purpose=expected_proof_purpose,
            previous_proofs=previous_proofs,
        )


@dataclass(frozen=True, slots=True)
class PooledProofs:
    """Checks proofs in worker processes; if the pool broke under a check, checks that one
    locally (the next check starts a new pool)."""

    workers: ProofWorkers
    local: LocalProofs

    @property
    def processes(self) -> int:
        """Worker processes."""
        return self.workers.processes

    def start(self) -> None:
        """Start the workers now (without waiting for them), not at the first check."""
        self.workers.warm()

    def shutdown(self) -> None:
        """Stop the workers."""
        self.workers.shutdown()

    def __call__(
        self,
        document: Mapping[str, Any],
        *,
        public_key: Ed25519PublicKey,
        expected_proof_purpose: str = ASSERTION_METHOD,
        previous_proofs: Sequence[Mapping[str, Any]] = (),
    ) -> VerificationResult:
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
            return self.local(
                document,
                public_key=public_key,
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
) -> LocalProofs | PooledProofs:
    """`PooledProofs` with `processes` workers that load `contexts_dir` (None: one per CPU
    core, none on a single core, where a pool would only add its overhead); `LocalProofs`
    for none."""
    if processes is None:
        processes = cpu_count if cpu_count and cpu_count > 1 else 0
    local = LocalProofs(contexts)
    if processes == 0:
        return local
    return PooledProofs(ProofWorkers(contexts_dir, processes), local)
