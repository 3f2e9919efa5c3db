"""HTTP issuance benchmark: `POST /api/v1/credentials` at 64 connections, against bare
in-process signing and Digital Bazaar's Node `vc.issue` on the same credential.

Measured in one run, on this machine, in rounds (each round measures all three in turn, so
drift from other load on a shared machine weighs on each alike):
- bare signing in this process, one core: the Data Integrity proof alone (`eddsa-rdfc-2022`)
  and both proofs (Data Integrity and vc+jwt, as every issued credential has);
- Digital Bazaar's `vc.issue` (eddsa-rdfc-2022) in one Node process on the same unsigned
  credential, from the packages `tests/interop` installs (`make interop`); its last output is
  checked with our verifier, so both sign the same thing;
- single-credential issuance over HTTP: `nassc serve --workers N` (default: one per core) on
  a new PostgreSQL database (SQLite if none answers), 64 keep-alive connections, each
  request a new worker's credential (check, status allocation, both proofs, storage, audit),
  as a registrar; every answer must be 201.
It prints rates, p50/p99 and the server's CPU time per credential, and the ratios
HTTP/Node (target ≥ 2x on 2 cores), HTTP/bare and the CPU cost of an HTTP issuance against
a bare one. The load generator runs in this process and shares the cores with the server;
its CPU time is printed too.

Run: `.venv/bin/python bench/http_issuance.py [--seconds 5] [--rounds 2] [--workers N]`.
Loopback only; each measure is bounded by time and by request count.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# Run as a script: the project root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.auth import service as auth_service
from app.auth.roles import Principal, Role
from app.auth.tokens import issue_access_token
from app.config import PROJECT_ROOT, Settings
from app.credentials import issuance
from app.credentials.schemas import AssessmentIn, CredentialIssue, RecipientIn
from app.credentials.signing import IssuerSigner, current_signer
from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import verify_proof
from app.crypto.multikey import public_key_from_multibase
from app.db import make_engine, make_sessionmaker, utcnow
from app.keys import service as keys_service
from app.keys.service import KeyCache
from app.keys.store import FileKeyStore
from app.standards import service as standards_service
from app.users import service as users_service
from app.users.service import UsernameTaken
from bench import harness
from bench.loadgen import LoadResult, request_bytes, run_load

CONNECTIONS = 64
PASSWORD = "bench-password-0123456789"  # noqa: S105 (a throwaway database's user)
NODE_SCRIPT = PROJECT_ROOT / "tests" / "interop" / "issue-di-bench.mjs"


@dataclass
class Setup:
    token: str
    standard_code: str
    unsigned: dict[str, Any]
    signer: IssuerSigner


def _settings(env: dict[str, str]) -> Settings:
    return Settings(
        database_url=env["NASSC_DATABASE_URL"],
        keys_dir=Path(env["NASSC_KEYS_DIR"]),
        public_base_url=env["NASSC_PUBLIC_BASE_URL"],
        key_passphrase=env["NASSC_KEY_PASSPHRASE"],
        token_secret=env["NASSC_TOKEN_SECRET"],
        log_level="WARNING",
    )


def _request(standard_code: str, n: int) -> CredentialIssue:
    return CredentialIssue(
        standard_code=standard_code,
        recipient=RecipientIn(name=f"Worker {n}", email=f"worker{n}@example.com"),
        assessment=AssessmentIn(completed_on=date(2026, 11, 20), score_percent=80 + n % 20),
    )


def prepare(settings: Settings) -> Setup:
    """Migrate, seed, make a key, a registrar and its token, and one unsigned credential."""
    migrate.upgrade(settings, "head")
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    store = FileKeyStore(settings.keys_dir, settings.key_passphrase.get_secret_value())
    contexts = PinnedContexts.load(settings.contexts_dir)
    with sessions.begin() as session:
        now = utcnow()
        standards_service.seed_standards(session, directory=settings.curricula_dir, now=now)
        keys_service.ensure_key(session, store=store, now=now)
        standard = standards_service.list_standards(session, limit=1).items[0]
        # A database kept from an earlier run (`scale.py --preload`) has its user already.
        with contextlib.suppress(UsernameTaken):
            users_service.create_user(
                session,
                username="bench",
                password=PASSWORD,
                role=Role.registrar,
                now=now - timedelta(seconds=5),
            )
        principal = Principal(subject="user:bench", role=Role.registrar, name="bench")
        signer = current_signer(
            session, settings=settings, cache=KeyCache(store), contexts=contexts
        )
        credential, _ = issuance.issue_credential(
            session,
            principal=principal,
            request=_request(standard.code, 0),
            signer=signer,
            base_url=settings.public_base_url,
            now=now,
        )
        unsigned = {k: v for k, v in credential.document.items() if k != "proof"}
    with sessions() as session:
        user = auth_service.authenticate_password(session, username="bench", password=PASSWORD)
    engine.dispose()
    token = issue_access_token(
        user,
        secret=settings.token_secret.get_secret_value(),
        issuer=settings.public_base_url,
        now=utcnow() - timedelta(seconds=5),
        ttl_seconds=3600,
    ).access_token
    return Setup(token=token, standard_code=standard.code, unsigned=unsigned, signer=signer)


def bare_rates(setup: Setup, seconds: float) -> tuple[float, float, float]:
    """(Data Integrity signs/s, both proofs/s, CPU ms per both-proofs signing), one core."""
    signer, document = setup.signer, setup.unsigned

    def loop(both: bool) -> tuple[float, float]:
        count, started, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - started < seconds or count < 5:
            signer.data_integrity(document, created=utcnow())
            if both:
                signer.vc_jwt(document)
            count += 1
        return count / (time.perf_counter() - started), (time.process_time() - cpu) / count

    di, _ = loop(False)
    both, cpu = loop(True)
    return di, both, cpu * 1000


def node_rate(setup: Setup, settings: Settings, seconds: float) -> tuple[float, float]:
    """(credentials/s, CPU ms per credential) of `vc.issue` in one Node process."""
    if not (NODE_SCRIPT.parent / "node_modules").exists():
        raise SystemExit("run `make interop` first (Node packages of tests/interop)")
    payload = {
        "credential": setup.unsigned,
        "contexts": str(settings.contexts_dir),
        "seconds": seconds,
        "controller": setup.signer.did,
    }
    done = subprocess.run(
        ["node", str(NODE_SCRIPT)],
        input=json.dumps(payload).encode(),
        capture_output=True,
        check=True,
        cwd=NODE_SCRIPT.parent,
    )
    output = json.loads(done.stdout)
    public_key = public_key_from_multibase(output["publicKeyMultibase"])
    contexts = PinnedContexts.load(settings.contexts_dir)
    if not verify_proof(output["signed"], public_key=public_key, contexts=contexts).verified:
        raise SystemExit("Node's credential does not verify with our verifier")
    return output["count"] / output["seconds"], output["cpuSeconds"] / output["count"] * 1000


def http_rate(
    setup: Setup, port: int, server_pid: int, seconds: float, start: int, connections: int
) -> LoadResult:
    host = f"{harness.HOST}:{port}"
    headers = {"Authorization": f"Bearer {setup.token}", "Content-Type": "application/json"}

    def make(n: int) -> bytes:
        body = _request(setup.standard_code, n).model_dump_json(exclude_none=True).encode()
        return request_bytes("POST", "/api/v1/credentials", host=host, body=body, headers=headers)

    return run_load(
        f"POST /api/v1/credentials, {connections} connections",
        harness.HOST,
        port,
        make,
        connections=connections,
        seconds=seconds,
        check=lambda _n, status, _body: status == 201,
        start_number=start,
        server_cpu=lambda: harness.cpu_seconds(server_pid),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per measure (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds (default 2)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes")
    parser.add_argument("--engine", choices=("auto", "postgres", "sqlite"), default="auto")
    parser.add_argument("--connections", type=int, default=CONNECTIONS, help="default 64")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nassc-bench-") as name:
        folder = Path(name)
        with harness.database(folder, engine=args.engine) as url:
            port = harness.free_port()
            env = harness.environment(url, folder, port)
            settings = _settings(env)
            setup = prepare(settings)
            print(
                f"cores: {os.cpu_count()}; server: nassc serve --workers {args.workers}; "
                f"database: {url.split(':', 1)[0]}; {args.connections} connections"
            )
            with harness.serve(env, port, workers=args.workers) as server:
                http_rate(setup, port, server.pid, 1.0, 1_000_000, args.connections)  # warm up
                for round_ in range(1, args.rounds + 1):
                    di, both, bare_cpu = bare_rates(setup, args.seconds / 2)
                    node, node_cpu = node_rate(setup, settings, args.seconds)
                    http = http_rate(
                        setup, port, server.pid, args.seconds, round_ * 100_000, args.connections
                    )
                    _report(round_, di, both, bare_cpu, node, node_cpu, http)


def _report(
    round_: int,
    di: float,
    both: float,
    bare_cpu: float,
    node: float,
    node_cpu: float,
    http: LoadResult,
) -> None:
    bad = http.count - http.statuses.get(201, 0)
    print(f"round {round_}:")
    print(f"  bare Data Integrity sign, 1 core        {di:7.1f}/s")
    print(f"  bare both proofs (DI + vc+jwt), 1 core  {both:7.1f}/s  CPU {bare_cpu:5.2f} ms each")
    print(f"  Node vc.issue (Digital Bazaar), 1 proc  {node:7.1f}/s  CPU {node_cpu:5.2f} ms each")
    print(
        f"  HTTP {http.label}: {http.rate:7.1f}/s  p50 {http.p50_ms:6.1f} ms  "
        f"p99 {http.p99_ms:6.1f} ms  server CPU {http.server_cpu_ms:5.2f} ms each  "
        f"(client CPU {http.client_cpu_seconds / max(1, http.count) * 1000:.2f} ms each)  "
        f"non-201: {bad}, errors: {http.errors}"
    )
    print(
        f"  ratios: HTTP/Node {http.rate / node:5.2f}x (target ≥ 2x)  "
        f"HTTP/bare both proofs {http.rate / both:5.2f}x  "
        f"HTTP CPU per credential / bare {http.server_cpu_ms / bare_cpu:5.2f}x"
    )


if __name__ == "__main__":
    main()
