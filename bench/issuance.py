"""Issuance benchmark: a 10,000-row batch on the embedded database, against bare signing.

Measured in one run, on this machine:
- the bare single-core signing rate of each mechanism (Data Integrity eddsa-rdfc-2022,
  VC-JOSE vc+jwt) on the same credentials, in this process;
- the signing rate of each mechanism alone over the process pool;
- the end-to-end batch rate with both proofs (status allocation, building, signing in the
  pool, storing in SQLite, progress), through the same runner the API uses;
and the ratio of the batch rate to the bare single-core Data Integrity rate.

Run: `.venv/bin/python bench/issuance.py [--rows 10000]`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app import migrate
from app.auth.roles import Principal, Role
from app.config import Settings
from app.credentials import batches, issuance
from app.credentials.batch_runner import BatchRunner
from app.credentials.schemas import AssessmentIn, CredentialIssue, RecipientIn
from app.credentials.signing import IssuerSigner, current_signer
from app.credentials.signing_pool import SigningPool
from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import add_proof
from app.crypto.jose import sign_vc_jwt
from app.crypto.workers import initialize, worker_contexts
from app.curricula import service as curricula_service
from app.curricula.schemas import CurriculumCreate
from app.db import make_engine, make_sessionmaker, utcnow
from app.fields import Country
from app.keys import service as keys_service
from app.keys.service import KeyCache
from app.keys.store import FileKeyStore
from app.providers import service as providers_service
from app.providers.schemas import AccreditationStatus, ProviderRegister
from app.standards import service as standards_service
from app.status import service as status_service
from app.status.models import StatusPurpose

# The curriculum factory of the tests: run as a script, the project root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.curricula.factories import complete_curriculum_body


def _setup(settings: Settings) -> tuple[Any, int]:
    """Migrate, seed, make a key, and an approved curriculum of an accredited provider."""
    migrate.upgrade(settings, "head")
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        now = utcnow()
        standards_service.seed_standards(session, directory=settings.curricula_dir, now=now)
        keys_service.ensure_key(session, store=_store(settings), now=now)
        provider = providers_service.register_provider(
            session,
            data=ProviderRegister(
                name="Instituto Tecnológico de Puebla",
                country=Country.mx,
                region="Puebla",
                identifier="RFC-ITP-010101",
                contact_name="Laura Méndez",
                contact_email="laura@itp.example",
            ),
        )
        providers_service.change_accreditation(
            session, provider_id=provider.id, status=AccreditationStatus.accredited, reason=None
        )
        standard = standards_service.list_standards(session, limit=1).items[0]
        curriculum = curricula_service.submit_curriculum(
            session,
            provider_id=provider.id,
            data=CurriculumCreate.model_validate(
                complete_curriculum_body(standards_service.to_schema(standard), Country.mx)
            ),
            now=now,
        )
        curricula_service.approve_curriculum(
            session, curriculum_id=curriculum.id, reviewer="bench", now=now
        )
        return sessions, curriculum.id


def _store(settings: Settings) -> FileKeyStore:
    return FileKeyStore(settings.keys_dir, settings.key_passphrase.get_secret_value())


def _request(curriculum_id: int, n: int) -> CredentialIssue:
    return CredentialIssue(
        curriculum_id=curriculum_id,
        recipient=RecipientIn(name=f"Worker {n}", email=f"worker{n}@example.com"),
        assessment=AssessmentIn(completed_on=date(2026, 11, 20), score_percent=80 + n % 20),
    )


def _unsigned_documents(
    sessions: Any, settings: Settings, signer: IssuerSigner, curriculum_id: int, count: int
) -> list[dict[str, Any]]:
    principal = Principal(subject="user:bench", role=Role.registrar, name="bench")
    documents = []
    with sessions.begin() as session:
        now = utcnow()
        source = issuance.resolve_source(
            session, principal=principal, request=_request(curriculum_id, 0)
        )
        revocations = status_service.allocate(
            session, purpose=StatusPurpose.revocation, count=count, now=now
        )
        suspensions = status_service.allocate(
            session, purpose=StatusPurpose.suspension, count=count, now=now
        )
        for n in range(count):
            prepared = issuance.prepare(
                source=source,
                request=_request(curriculum_id, n),
                issuer_did=signer.did,
                base_url=settings.public_base_url,
                now=now,
                revocation=revocations[n],
                suspension=suspensions[n],
            )
            documents.append(prepared.document)
    return documents


def _rate(label: str, count: int, work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    rate = count / elapsed
    print(f"{label:<58} {rate:9.1f} credentials/s  ({count} in {elapsed:.1f} s)")
    return rate


def _pool_sign_di(documents: list[dict[str, Any]], raw: bytes, method: str) -> list[dict[str, Any]]:
    contexts = worker_contexts()
    key = Ed25519PrivateKey.from_private_bytes(raw)
    return [
        add_proof(
            d, private_key=key, verification_method=method, created=utcnow(), contexts=contexts
        )
        for d in documents
    ]


def _pool_sign_jwt(documents: list[dict[str, Any]], raw: bytes, method: str) -> list[str]:
    key = Ed25519PrivateKey.from_private_bytes(raw)
    return [sign_vc_jwt(d, private_key=key, kid=method) for d in documents]


def _over_pool(
    executor: ProcessPoolExecutor,
    function: Callable[[list[dict[str, Any]], bytes, str], Any],
    documents: list[dict[str, Any]],
    signer: IssuerSigner,
) -> None:
    size = max(1, len(documents) // ((os.cpu_count() or 1) * 4))
    raw = signer.private_key.private_bytes_raw()
    futures = [
        executor.submit(function, documents[i : i + size], raw, signer.verification_method)
        for i in range(0, len(documents), size)
    ]
    for future in futures:
        future.result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="batch size (default 10,000)")
    parser.add_argument("--sample", type=int, default=400, help="credentials per bare measure")
    args = parser.parse_args()
    cores = os.cpu_count() or 1

    with tempfile.TemporaryDirectory(prefix="nassc-bench-") as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            keys_dir=Path(folder) / "keys",
            public_base_url="https://credentials.nassc.example",
            log_level="WARNING",
        )
        sessions, curriculum_id = _setup(settings)
        contexts = PinnedContexts.load(settings.contexts_dir)
        cache = KeyCache(_store(settings))
        with sessions() as session:
            signer = current_signer(session, settings=settings, cache=cache, contexts=contexts)
        sample = _unsigned_documents(sessions, settings, signer, curriculum_id, args.sample)
        print(f"cores: {cores}; batch rows: {args.rows}; bare sample: {len(sample)}")
        print("-" * 96)

        now = utcnow()
        bare_di = _rate(
            "bare Data Integrity eddsa-rdfc-2022, 1 core",
            len(sample),
            lambda: [signer.data_integrity(d, created=now) for d in sample],
        )
        bare_jwt = _rate(
            "bare vc+jwt, 1 core",
            len(sample),
            lambda: [signer.vc_jwt(d) for d in sample],
        )
        pool_sample = sample * max(1, (cores * 400) // len(sample))
        with ProcessPoolExecutor(
            max_workers=cores, initializer=initialize, initargs=(str(settings.contexts_dir),)
        ) as executor:
            _over_pool(executor, _pool_sign_jwt, sample[:cores], signer)  # warm the workers
            _over_pool(executor, _pool_sign_di, sample[:cores], signer)
            pool_di = _rate(
                f"Data Integrity only, pool of {cores}",
                len(pool_sample),
                lambda: _over_pool(executor, _pool_sign_di, pool_sample, signer),
            )
            pool_jwt = _rate(
                f"vc+jwt only, pool of {cores}",
                len(pool_sample),
                lambda: _over_pool(executor, _pool_sign_jwt, pool_sample, signer),
            )

        with sessions.begin() as session:
            principal = Principal(
                subject="user:bench", role=Role.registrar, name="bench", user_id=None
            )
            rows = batches.parse_json_rows(
                batches.BatchCreate(
                    curriculum_id=curriculum_id,
                    rows=[
                        _request(curriculum_id, n).model_dump(
                            mode="json", exclude={"curriculum_id"}
                        )
                        for n in range(args.rows)
                    ],
                )
            )
            batch = batches.create_batch(
                session,
                principal=principal,
                target=batches.BatchTarget(curriculum_id=curriculum_id),
                rows=rows,
                now=utcnow(),
            )
            batch_id = batch.id
        pool = SigningPool(settings.contexts_dir, cores)
        runner = BatchRunner(
            sessions=sessions, settings=settings, key_cache=cache, contexts=contexts, pool=pool
        )
        pool.submit(
            sample[:cores],
            private_key=signer.private_key,
            verification_method=signer.verification_method,
            created=now,
        )[0].result()
        batch_rate = _rate(
            f"batch, both proofs, stored in SQLite, pool of {cores}",
            args.rows,
            lambda: runner.run(batch_id),
        )
        pool.shutdown()
        print("-" * 96)
        print(f"pool vs bare, Data Integrity:          {pool_di / bare_di:5.2f}x")
        print(f"pool vs bare, vc+jwt:                  {pool_jwt / bare_jwt:5.2f}x")
        ratio = batch_rate / bare_di
        print(f"batch (both proofs) vs bare DI, 1 core: {ratio:5.2f}x  (target >= 1.5x)")


if __name__ == "__main__":
    main()
