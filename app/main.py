"""Application factory: settings, database, problem handlers, middleware, routers."""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import anyio
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from app.adapters import PublishedStatusLists, StoredCredentials
from app.api import build_router
from app.audit.schedule import CheckpointSchedule
from app.auth.throttle import LoginThrottle
from app.client_address import ForwardedPolicy
from app.config import Settings, get_settings
from app.credentials.batch_runner import BatchRunner
from app.credentials.batch_schedule import BatchReclaimSchedule
from app.credentials.signing import current_signer
from app.credentials.signing_pool import SigningPool
from app.crypto.contexts import PinnedContexts
from app.db import make_engine, make_sessionmaker, utcnow
from app.deliveries.schedule import MailSchedule
from app.errors import install_problem_handlers
from app.keys import service as keys_service
from app.keys.changes import SIGNING_KEYS
from app.keys.service import KeyCache
from app.keys.store import FileKeyStore
from app.log import configure_logging
from app.middleware import BodyLimitMiddleware, RateLimitMiddleware, RequestContextMiddleware
from app.openapi import install_openapi
from app.ops.middleware import install_metrics
from app.outbound import SafeFetcher
from app.public_documents import PublicDocumentsMiddleware
from app.status.changes import STATUS_LISTS
from app.status.publishing import ServedLists
from app.verification.caches import VerifierCaches
from app.verification.did_web import DidWebResolver, ForeignKeys
from app.verification.events import EventRecorder
from app.verification.proofs import Proofs, proof_checker
from app.verification.remote_status import HttpsListFetcher, RemoteStatusLists
from app.web import install_web

UPLOAD_PATH_PREFIXES = ("/api/v1/credential-batches", "/portal/issue")

DESCRIPTION = """\
The credential service of the North American Standards Skills Council (NASSC).

- **Training providers** register curricula mapped to NASSC harmonized standards and request
  credentials for workers who passed.
- **Division staff** publish standards, accredit providers, approve curricula, and issue,
  suspend and revoke credentials.
- **Workers** receive W3C Verifiable Credentials (Open Badges 3.0).
- **Employers** in the US, Mexico and Canada verify them.

Errors are RFC 9457 `application/problem+json` with a stable `type` URI.
"""


VERIFICATION_LANES = 2
"""Verifications a process runs at once, beyond those waiting on proof workers. They are CPU
work under the GIL: more threads only interleave them, each finishing later with its caches
thrashed (`bench/verify.py`: Data Integrity at 0.77x of bare verification with 40 threads,
0.80-0.84x with 1 or 2). Two, so one can wait on the database or a trusted issuer's host
while the other computes."""


def _verification_lanes(proofs: Proofs) -> int:
    """`VERIFICATION_LANES`, plus one per proof worker: a lane waiting on a worker holds no
    GIL. (Two per worker measured the same throughput in `bench/verify.py`, with a longer
    p99.)"""
    return VERIFICATION_LANES + proofs.processes


def _check_key_store(app: FastAPI) -> None:
    """`keys_service.check_key_store`; a database not migrated yet is left to `/readyz`."""
    with app.state.sessionmaker() as session:
        try:
            keys_service.check_key_store(session, store=app.state.key_store)
        except SQLAlchemyError:
            app.state.key_store.check()


def _freeze_startup_objects() -> None:
    """Move what startup made (modules, routes, catalogs, caches: some 200,000 objects) out
    of the garbage collector's reach; they live as long as the process.

    Full collections then scan only what requests made since. Data Integrity verification
    allocates heavily (JSON-LD expansion), so without this every request paid for repeated
    scans of the whole heap: `bench/verify.py` measured 0.8 ms of collection per
    verification before, 0.5 ms after.

    Once per process: a process that builds several apps (the tests) would otherwise keep
    the cyclic garbage of the earlier ones forever.
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the ASGI application for `settings` (read from the environment by default)."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A key store that cannot be read or written stops the start, saying why.
        _check_key_store(app)
        # Batches interrupted by a crash resume once their lease has expired.
        app.state.batch_schedule.start()
        app.state.checkpoint_schedule.start()
        app.state.mail_schedule.start()
        app.state.issuing_limiter = anyio.CapacityLimiter(settings.issuing_lanes)
        app.state.verification_limiter = anyio.CapacityLimiter(
            _verification_lanes(app.state.proof_checker)
        )
        app.state.proof_checker.start()
        _freeze_startup_objects()
        yield
        app.state.mail_schedule.stop()
        app.state.checkpoint_schedule.stop()
        app.state.batch_runner.stopping.set()
        app.state.batch_schedule.stop()
        app.state.signing_pool.shutdown()
        app.state.proof_checker.shutdown()
        if app.state.foreign_keys.web is not None:
            app.state.foreign_keys.web.close()
        app.state.verification_events.close()  # writes the buffered events
        engine.dispose()

    app = FastAPI(
        title="NASSC Credentials",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.forwarded_policy = ForwardedPolicy.of(
        trust=settings.trust_forwarded_for,
        hops=settings.trusted_proxy_hops,
        proxies=settings.trusted_proxies,
    )
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.login_throttle = LoginThrottle()
    app.state.key_store = FileKeyStore(
        settings.keys_dir, settings.key_passphrase.get_secret_value()
    )
    app.state.key_cache = KeyCache(app.state.key_store)
    app.state.contexts = PinnedContexts.load(settings.contexts_dir)
    app.state.verifier_caches = VerifierCaches.watching(keys=SIGNING_KEYS, lists=STATUS_LISTS)
    # Verification reads issuance only through what it published (app.adapters).
    app.state.published_status_lists = PublishedStatusLists(settings.public_base_url)
    app.state.stored_credentials = StoredCredentials()
    app.state.served_status_lists = ServedLists()
    app.state.proof_checker = proof_checker(
        app.state.contexts,
        contexts_dir=settings.contexts_dir,
        processes=settings.verification_processes,
        cpu_count=os.cpu_count(),
    )
    app.state.remote_status_lists = (
        RemoteStatusLists(
            HttpsListFetcher(SafeFetcher(allow_private=settings.outbound_allow_private)),
            clock=utcnow,
        )
        if settings.fetch_trusted_status_lists
        else None
    )
    # The VC API verifies credentials of issuers outside the registry: did:key offline,
    # did:web over https (never trusted; our employer API does not resolve).
    app.state.foreign_keys = ForeignKeys(
        DidWebResolver(SafeFetcher(allow_private=settings.outbound_allow_private), clock=utcnow)
        if settings.resolve_did_web
        else None
    )
    app.state.verification_events = EventRecorder(
        app.state.sessionmaker,
        interval=settings.verification_event_buffer_seconds,
        issuing_countries=app.state.stored_credentials.issuing_countries,
    )
    app.state.signing_pool = SigningPool(settings.contexts_dir, settings.signing_processes)
    app.state.batch_runner = BatchRunner(
        sessions=app.state.sessionmaker,
        settings=settings,
        key_cache=app.state.key_cache,
        contexts=app.state.contexts,
        pool=app.state.signing_pool,
    )
    app.state.batch_schedule = BatchReclaimSchedule(
        app.state.batch_runner, interval_seconds=settings.batch_reclaim_seconds
    )
    # Checkpoints are signed with the issuer's key; audit is handed the signer, never imports it.
    app.state.checkpoint_signer = partial(
        current_signer, settings=settings, cache=app.state.key_cache, contexts=app.state.contexts
    )
    app.state.checkpoint_schedule = CheckpointSchedule(
        app.state.sessionmaker,
        signer=app.state.checkpoint_signer,
        interval_seconds=settings.audit_checkpoint_seconds,
    )

    app.state.mail_schedule = MailSchedule(app.state.sessionmaker, settings)

    install_problem_handlers(app)
    app.include_router(build_router())
    install_openapi(app)
    install_web(app)

    install_middleware(app, settings)
    return app


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Our middleware stack, every one pure ASGI: request ids and access logs, CORS for the
    public documents, metrics, rate limits, body limits (`bench/overhead.py` measures it
    against a bare endpoint). Needs `app.state.forwarded_policy`."""
    # Starlette runs the last-added middleware first: ids and logs wrap everything.
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.max_upload_bytes,
        upload_prefixes=UPLOAD_PATH_PREFIXES,
    )
    app.add_middleware(
        RateLimitMiddleware,
        per_minute=settings.rate_limit_per_minute,
        burst=settings.rate_limit_burst,
        forwarded=app.state.forwarded_policy,
    )
    install_metrics(app)
    app.add_middleware(PublicDocumentsMiddleware)
    app.add_middleware(RequestContextMiddleware)
