"""`nassc`: the operator's command line (migrations, seed data, users, keys, audit, serving)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from app import migrate
from app.audit import checkpoints, verification
from app.auth.roles import STAFF_ROLES, Role
from app.config import get_settings
from app.credentials.batch_runner import BatchRunner
from app.credentials.signing import current_signer
from app.credentials.signing_pool import SigningPool
from app.crypto.contexts import PinnedContexts
from app.db import make_engine, make_sessionmaker, unit_of_work, utcnow
from app.errors import AppError
from app.keys import service as keys_service
from app.keys.models import KeyAlgorithm
from app.keys.service import KeyCache
from app.keys.store import FileKeyStore
from app.presentations import service as presentations_service
from app.standards import service as standards_service

app = typer.Typer(help="NASSC credential service administration.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_app = typer.Typer(help="Staff users.", no_args_is_help=True)
app.add_typer(db_app, name="db")
keys_app = typer.Typer(help="Signing keys.", no_args_is_help=True)
batches_app = typer.Typer(help="Credential batches.", no_args_is_help=True)
app.add_typer(batches_app, name="batches")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@contextmanager
def session_scope() -> Iterator[Session]:
    """One transaction for one command: commit on success, roll back on error."""
    engine = make_engine(get_settings().database_url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as session:
            yield session
    finally:
        engine.dispose()


def fail(message: str) -> typer.Exit:
    """Print an error to stderr and return the exit to raise."""
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code=1)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    settings = get_settings()
    if settings.is_sqlite:
        _ensure_sqlite_folder(settings.database_url)
    migrate.upgrade(settings, revision)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target, e.g. -1 or base")]) -> None:
    """Revert migrations down to REVISION."""
    migrate.downgrade(get_settings(), revision)


def _ensure_sqlite_folder(url: str) -> None:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Option(help="Login name")],
    role: Annotated[Role, typer.Option(help="admin, registrar or auditor")],
) -> None:
    """Create a staff user; the password is read from standard input."""
    from app.users import service as users_service

    if role not in STAFF_ROLES:
        raise fail("Staff roles are admin, registrar and auditor.")
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        with session_scope() as session:
            user = users_service.create_user(
                session, username=username, password=password, role=role
            )
            typer.echo(f"created {user.role} user {user.username} (id {user.id})")
    except AppError as error:
        raise fail(error.detail or error.title) from None


def _key_store() -> FileKeyStore:
    settings = get_settings()
    return FileKeyStore(settings.keys_dir, settings.key_passphrase.get_secret_value())


@keys_app.command("ensure")
def keys_ensure() -> None:
    """Create and activate an Ed25519 and a P-256 signing key, and the verifier's P-256 key
    for OpenID4VP requests, where none is active (idempotent)."""
    with session_scope() as session:
        store = _key_store()
        ensured = keys_service.ensure_keys(session, store=store, now=utcnow())
        ensured.append(keys_service.ensure_verifier_key(session, store=store, now=utcnow()))
        for key, created in ensured:
            verb = "created" if created else "using"
            typer.echo(f"{verb} {key.algorithm} {key.purpose} key {key.kid}")


@keys_app.command("generate")
def keys_generate(
    activate: Annotated[bool, typer.Option(help="Make it the signing key now")] = False,
) -> None:
    """Generate a new key; it is published, and signs only with --activate."""
    with session_scope() as session:
        key = keys_service.generate_key(
            session, store=_key_store(), now=utcnow(), activate=activate
        )
        typer.echo(f"generated {key.status} key {key.kid}")


@keys_app.command("rotate")
def keys_rotate(
    algorithm: Annotated[
        KeyAlgorithm | None, typer.Option(help="Rotate only this algorithm's key")
    ] = None,
) -> None:
    """Make new keys the signing keys (Ed25519 and P-256, or one); earlier keys stay
    published."""
    algorithms = [algorithm] if algorithm is not None else list(KeyAlgorithm)
    with session_scope() as session:
        for each in algorithms:
            key = keys_service.rotate_key(session, store=_key_store(), now=utcnow(), algorithm=each)
            typer.echo(f"rotated: {key.algorithm} key {key.kid} now signs")


@keys_app.command("retire")
def keys_retire(
    kid: Annotated[str, typer.Argument(help="Key id")],
    reason: Annotated[str, typer.Option(help="Why, e.g. 'compromised'")],
) -> None:
    """Withdraw a key from publication and destroy its private half."""
    try:
        with session_scope() as session:
            keys_service.retire_key(
                session, store=_key_store(), kid=kid, reason=reason, now=utcnow()
            )
    except AppError as error:
        raise fail(error.detail or error.title) from None
    typer.echo(f"retired {kid}")


@keys_app.command("list")
def keys_list() -> None:
    """Every key with its status."""
    with session_scope() as session:
        for key in keys_service.list_keys(session):
            typer.echo(f"{key.status:<10} {key.created_at:%Y-%m-%d %H:%M}  {key.kid}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Re-compute the whole hash chain; print the first broken link (exit 1) if any."""
    with session_scope() as session:
        report = verification.verify_chain(session)
    broken = report.first_broken
    if broken is not None:
        where = "the head" if broken.seq is None else f"seq {broken.seq}"
        if broken.id is not None:
            where += f" (event id {broken.id})"
        raise fail(f"chain broken at {where}: {broken.reason.value}: {broken.detail}")
    typer.echo(
        f"chain intact: {report.events_checked} event(s), "
        f"head seq {report.head_seq} hash {report.head_hash}"
    )


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the chain head with the issuer's active key; print the checkpoint's JWT.

    Keep the printed JWT where this database's writers cannot reach it;
    `POST /api/v1/admin/audit/checkpoints/verify` checks it against the chain later.
    """
    settings = get_settings()
    try:
        with session_scope() as session:
            signer = current_signer(
                session,
                settings=settings,
                cache=KeyCache(_key_store()),
                contexts=PinnedContexts.load(settings.contexts_dir),
            )
            checkpoint = checkpoints.create_checkpoint(session, signer=signer, now=utcnow())
            token = checkpoints.checkpoint_jwt(checkpoint)
            seq, head_hash = checkpoint.seq, checkpoint.head_hash
    except AppError as error:
        raise fail(error.detail or error.title) from None
    typer.echo(token)
    typer.echo(f"signed checkpoint of seq {seq} hash {head_hash}", err=True)


@app.command("seed")
def seed() -> None:
    """Load the harmonized standards in the curricula folder (idempotent)."""
    settings = get_settings()
    try:
        with session_scope() as session:
            result = standards_service.seed_standards(
                session, directory=settings.curricula_dir, now=utcnow()
            )
    except AppError as error:
        raise fail(error.detail or error.title) from None
    typer.echo(f"seeded {len(result.created)} standard(s), {len(result.unchanged)} unchanged")


@app.command("purge-presentations")
def purge_presentations() -> None:
    """Delete presentation requests (OpenID4VP) and results that have outlived their time."""
    with session_scope() as session:
        deleted = presentations_service.purge_expired(session, now=utcnow())
    typer.echo(f"deleted {deleted} expired presentation request(s)")


@batches_app.command("run")
def batches_run(batch_id: Annotated[str, typer.Argument(help="Batch id")]) -> None:
    """Issue a batch's pending rows now (in this process)."""
    with _batch_runner() as runner:
        if not runner.run(batch_id):
            raise fail(f"batch {batch_id} is finished or held by another runner")
    typer.echo(f"batch {batch_id} completed")


@batches_app.command("resume")
def batches_resume() -> None:
    """Resume every unfinished batch whose lease has expired."""
    with _batch_runner() as runner:
        resumed = runner.resume_all()
    typer.echo(f"resumed {len(resumed)} batch(es)")


@contextmanager
def _batch_runner() -> Iterator[BatchRunner]:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    pool = SigningPool(settings.contexts_dir, settings.signing_processes)
    try:
        yield BatchRunner(
            sessions=make_sessionmaker(engine),
            settings=settings,
            key_cache=KeyCache(_key_store()),
            contexts=PinnedContexts.load(settings.contexts_dir),
            pool=pool,
        )
    finally:
        pool.shutdown()
        engine.dispose()


@app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout)")
    ] = None,
    timestamp: Annotated[
        bool, typer.Option(help="Record the export time (--no-timestamp: reproducible bytes)")
    ] = True,
) -> None:
    """Write a consistent JSON Lines backup of the database (see docs/backup-format.md).

    The backup holds password and client-secret hashes and workers' names: keep it as
    safe as the database. Private signing keys are not in it; back up the key store too.
    """
    from app.ops import backup
    from app.ops.errors import BackupError

    engine = make_engine(get_settings().database_url)
    exported_at = utcnow() if timestamp else None
    try:
        if output is None:
            stdout = typer.get_binary_stream("stdout")
            summary = backup.export_to_stream(engine, stdout, exported_at=exported_at)
        else:
            summary = backup.export_to_path(engine, output, exported_at=exported_at)
    except (BackupError, OSError) as error:
        raise fail(str(error)) from None
    finally:
        engine.dispose()
    typer.echo(
        f"exported {summary.total} rows of {len(summary.rows)} tables "
        f"at revision {summary.revision}",
        err=True,
    )


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A file from `nassc export`; - for stdin")],
) -> None:
    """Restore a backup into an empty database migrated to the backup's revision."""
    from app.ops import backup
    from app.ops.errors import BackupError

    engine = make_engine(get_settings().database_url)
    try:
        if str(file) == "-":
            summary = backup.import_from_stream(engine, typer.get_binary_stream("stdin"))
        else:
            summary = backup.import_from_path(engine, file)
    except (BackupError, OSError) as error:
        raise fail(str(error)) from None
    finally:
        engine.dispose()
    typer.echo(f"imported {summary.total} rows at revision {summary.revision}")


WORKER_HEALTHCHECK_SECONDS = 60


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the API with Uvicorn."""
    import uvicorn

    if workers > 1:
        # Each server process starts its own Data Integrity proof workers: unless told
        # otherwise, they share the cores (none when the servers already use them all).
        os.environ.setdefault("NASSC_VERIFICATION_PROCESSES", str((os.cpu_count() or 1) // workers))

    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # The app reads X-Forwarded-For itself (NASSC_TRUST_FORWARDED_FOR, trusted hops or
        # proxies); Uvicorn's own rewriting would trust any loopback peer's header first.
        proxy_headers=False,
        access_log=False,
        # Uvicorn kills a worker that does not answer its health check in time, and a spawned
        # worker answers only once it has imported this module (and with it the app): seconds
        # of CPU each, longer on a busy host. Uvicorn's 5 s then killed and respawned the
        # workers forever on a loaded 2-core machine; a minute leaves room.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        log_config=None,
    )


def main() -> None:
    """Entry point for `python -m app.cli`."""
    app()


if __name__ == "__main__":
    main()
