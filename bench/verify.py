"""Verification benchmark: the real server on loopback, against /healthz and bare verification.

Measured in one run, on this machine:
- the bare single-core Data Integrity verification rate (`verify_proof` in a loop, this
  process, the same credential);
- over HTTP to `nassc serve` (one Uvicorn worker with its Data Integrity proof workers, one
  per core unless `--proof-workers` says otherwise; a temporary SQLite database), from client
  threads in this process: `GET /healthz` (the baseline), `POST /api/v1/verify` with a valid
  vc+jwt, a valid Data Integrity credential and a tampered one, and the stored credential by
  id (`GET /verify/{id}` as JSON if that page exists, else `GET /api/v1/verify/{id}`);
and prints each one's requests/s, p50 and p99, its ratio to /healthz, and the ratio of the
Data Integrity endpoint to the bare verification rate. It also prints the CPU time per
request of the server and its proof workers (from /proc), and the same two ratios computed
from CPU time: on a shared machine throughput moves with other load, CPU time per request
much less. The throughput ratio counts every core the server uses, the CPU ratio is the
cost per verification against bare `verify_proof` (the workers' pipe and the HTTP work).

Targets: vc+jwt ≥ 0.6x /healthz; Data Integrity ≥ 0.8x the bare single-core rate.

Run: `.venv/bin/python bench/verify.py [--seconds 5] [--threads 4] [--proof-workers N]`.
Loopback only; each scenario is bounded by time and by request count.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from app import migrate
from app.auth.roles import Principal, Role
from app.config import PROJECT_ROOT, Settings
from app.credentials import issuance
from app.credentials.schemas import AssessmentIn, CredentialIssue, RecipientIn
from app.credentials.signing import current_signer
from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import verify_proof
from app.crypto.multikey import public_key_from_multibase
from app.db import make_engine, make_sessionmaker, utcnow
from app.keys import service as keys_service
from app.keys.service import KeyCache
from app.keys.store import FileKeyStore
from app.standards import service as standards_service

HOST = "127.0.0.1"
MAX_REQUESTS = 50_000
WARMUP_REQUESTS = 30
SECRET = secrets.token_hex(24)


@dataclass
class Scenario:
    """One request shape to load the server with."""

    label: str
    method: str
    path: str
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Measurement:
    """What one scenario achieved; `cpu_ms` is the server's CPU time per request."""

    label: str
    rate: float
    p50_ms: float
    p99_ms: float
    count: int
    errors: int
    cpu_ms: float = 0.0


def _process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live descendants (the proof workers),
    from Linux /proc: robust to other load on the host."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_process_cpu_seconds(child) for child in _children(pid))


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
    return children


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _environment(folder: Path, port: int, proof_workers: int) -> dict[str, str]:
    return {
        **os.environ,
        "NASSC_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "NASSC_KEYS_DIR": str(folder / "keys"),
        "NASSC_PUBLIC_BASE_URL": f"http://{HOST}:{port}",
        "NASSC_KEY_PASSPHRASE": SECRET,
        "NASSC_TOKEN_SECRET": SECRET,
        "NASSC_RATE_LIMIT_PER_MINUTE": "100000000",
        "NASSC_RATE_LIMIT_BURST": "100000000",
        "NASSC_LOG_LEVEL": "WARNING",
        "NASSC_SIGNING_PROCESSES": "1",
        **({"NASSC_VERIFICATION_PROCESSES": str(proof_workers)} if proof_workers >= 0 else {}),
    }


def _settings(environment: dict[str, str]) -> Settings:
    return Settings(
        database_url=environment["NASSC_DATABASE_URL"],
        keys_dir=Path(environment["NASSC_KEYS_DIR"]),
        public_base_url=environment["NASSC_PUBLIC_BASE_URL"],
        key_passphrase=SECRET,
        token_secret=SECRET,
    )


def _issue_one(settings: Settings) -> dict[str, Any]:
    """Migrate, seed, make a key and issue one credential (as staff, for a published standard)."""
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
        signer = current_signer(
            session, settings=settings, cache=KeyCache(store), contexts=contexts
        )
        credential, _ = issuance.issue_credential(
            session,
            principal=Principal(subject="user:bench", role=Role.registrar, name="bench"),
            request=CredentialIssue(
                standard_code=standard.code,
                recipient=RecipientIn(name="María Fernanda López", email="maria@example.com"),
                assessment=AssessmentIn(completed_on=date(2026, 11, 20), score_percent=91),
            ),
            signer=signer,
            base_url=settings.public_base_url,
            now=now,
        )
        issued = {
            "id": credential.id,
            "credential": credential.document,
            "jwt": credential.jwt,
            "key": keys_service.published_keys(session)[0].public_key_multibase,
        }
    engine.dispose()
    return issued


def _bare_verify_rate(credential: dict[str, Any], key: str, seconds: float) -> Measurement:
    """`verify_proof` in a loop on one core: the ceiling for Data Integrity verification."""
    contexts = PinnedContexts.load(PROJECT_ROOT / "credentials" / "contexts")
    public_key = public_key_from_multibase(key)
    assert verify_proof(credential, public_key=public_key, contexts=contexts).verified
    timings: list[float] = []
    deadline = time.perf_counter() + seconds
    started, cpu_started = time.perf_counter(), time.process_time()
    while time.perf_counter() < deadline and len(timings) < MAX_REQUESTS:
        begin = time.perf_counter()
        verify_proof(credential, public_key=public_key, contexts=contexts)
        timings.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    result = _measurement("bare verify_proof, 1 core,", timings, elapsed, 0)
    result.cpu_ms = (time.process_time() - cpu_started) / len(timings) * 1000
    return result


def _wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the server did not start in 30 s")


def _load(
    base: str, scenario: Scenario, *, threads: int, seconds: float, server_pid: int
) -> Measurement:
    """Run `scenario` from `threads` keep-alive clients for `seconds` (or MAX_REQUESTS)."""
    timings: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = threading.Event()

    def worker() -> None:
        nonlocal errors
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(WARMUP_REQUESTS // threads + 1):
                client.request(
                    scenario.method,
                    scenario.path,
                    content=scenario.content,
                    headers=scenario.headers,
                )
            barrier.wait()
            local: list[float] = []
            failed = 0
            while not stop.is_set():
                begin = time.perf_counter()
                response = client.request(
                    scenario.method,
                    scenario.path,
                    content=scenario.content,
                    headers=scenario.headers,
                )
                local.append(time.perf_counter() - begin)
                if response.status_code != 200:
                    failed += 1
                if len(local) * threads >= MAX_REQUESTS:
                    break
            with lock:
                timings.extend(local)
                errors += failed

    barrier = threading.Barrier(threads + 1)
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    started, cpu_started = time.perf_counter(), _process_cpu_seconds(server_pid)
    time.sleep(seconds)
    stop.set()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = _process_cpu_seconds(server_pid) - cpu_started
    result = _measurement(scenario.label, timings, elapsed, errors)
    result.cpu_ms = cpu / max(1, len(timings)) * 1000
    return result


def _measurement(label: str, timings: list[float], elapsed: float, errors: int) -> Measurement:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return Measurement(
        label=label,
        rate=len(timings) / elapsed,
        p50_ms=statistics.median(ordered) * 1000,
        p99_ms=p99 * 1000,
        count=len(timings),
        errors=errors,
    )


def _tampered(credential: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(credential)
    document["credentialSubject"]["identifier"][1]["identityHash"] = "Someone Else"
    return document


def _scenarios(base: str, issued: dict[str, Any]) -> list[Scenario]:
    page = httpx.get(f"{base}/verify/{issued['id']}", headers={"Accept": "application/json"})
    stored = (
        Scenario(
            "GET /verify/{id} (JSON)",
            "GET",
            f"/verify/{issued['id']}",
            headers={"Accept": "application/json"},
        )
        if page.status_code == 200
        and page.headers.get("content-type", "").startswith("application/json")
        else Scenario("GET /api/v1/verify/{id}", "GET", f"/api/v1/verify/{issued['id']}")
    )
    json_headers = {"Content-Type": "application/json", "Accept-Language": "es-MX"}
    return [
        Scenario("GET /healthz (baseline)", "GET", "/healthz"),
        Scenario(
            "POST /api/v1/verify vc+jwt",
            "POST",
            "/api/v1/verify",
            issued["jwt"].encode(),
            {"Content-Type": "application/vc+jwt", "Accept-Language": "es-MX"},
        ),
        Scenario(
            "POST /api/v1/verify Data Integrity",
            "POST",
            "/api/v1/verify",
            json.dumps({"credential": issued["credential"]}).encode(),
            json_headers,
        ),
        Scenario(
            "POST /api/v1/verify tampered (DI)",
            "POST",
            "/api/v1/verify",
            json.dumps({"credential": _tampered(issued["credential"])}).encode(),
            json_headers,
        ),
        stored,
    ]


def _check_answers(base: str, scenarios: list[Scenario]) -> None:
    """Each scenario answers what it should before it is timed."""
    expected = {
        "POST /api/v1/verify vc+jwt": "verified",
        "POST /api/v1/verify Data Integrity": "verified",
        "POST /api/v1/verify tampered (DI)": "tampered",
    }
    for scenario in scenarios:
        response = httpx.request(
            scenario.method,
            base + scenario.path,
            content=scenario.content,
            headers=scenario.headers,
        )
        assert response.status_code == 200, (scenario.label, response.text)
        if scenario.label in expected:
            assert response.json()["outcome"] == expected[scenario.label], response.text


def main() -> None:
    """Set up, serve, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per scenario")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument(
        "--proof-workers",
        type=int,
        default=-1,
        help="NASSC_VERIFICATION_PROCESSES for the server (default: the server's own default)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="nassc-bench-") as folder:
        port = _free_port()
        environment = _environment(Path(folder), port, args.proof_workers)
        base = f"http://{HOST}:{port}"
        issued = _issue_one(_settings(environment))
        bare_before = _bare_verify_rate(issued["credential"], issued["key"], args.seconds)

        nassc = str(Path(sys.executable).parent / "nassc")
        server = subprocess.Popen(
            [nassc, "serve", "--host", HOST, "--port", str(port)],
            env=environment,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
        )
        try:
            _wait_ready(base, server)
            scenarios = _scenarios(base, issued)
            _check_answers(base, scenarios)
            results = [
                _load(
                    base,
                    scenario,
                    threads=args.threads,
                    seconds=args.seconds,
                    server_pid=server.pid,
                )
                for scenario in scenarios
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)
        # Measured before and after the HTTP load, so drift on a shared machine shows.
        bare_after = _bare_verify_rate(issued["credential"], issued["key"], args.seconds)

    _report(results, bare_before, bare_after, args)


def _report(
    results: list[Measurement],
    bare_before: Measurement,
    bare_after: Measurement,
    args: argparse.Namespace,
) -> None:
    baseline = results[0]
    workers = "one per core" if args.proof_workers < 0 else args.proof_workers
    print(
        f"\nverification over HTTP: 1 Uvicorn worker, proof workers: {workers}, SQLite, "
        f"{args.threads} client threads, {args.seconds:g} s per scenario, "
        f"{os.cpu_count()} CPUs\n"
    )
    print(
        f"{'scenario':<40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x healthz':>10} "
        f"{'CPU ms/req':>11} {'errors':>7}"
    )
    for result in results:
        print(
            f"{result.label:<40} {result.rate:9.1f} {result.p50_ms:8.2f} {result.p99_ms:8.2f} "
            f"{result.rate / baseline.rate:10.2f} {result.cpu_ms:11.2f} {result.errors:7d}"
        )
    for when, bare in (("before", bare_before), ("after", bare_after)):
        label = f"{bare.label} {when}"
        print(
            f"{label:<40} {bare.rate:9.1f} {bare.p50_ms:8.2f} {bare.p99_ms:8.2f} {'':>10} "
            f"{bare.cpu_ms:11.2f}"
        )
    bare_rate = (bare_before.rate + bare_after.rate) / 2
    bare_cpu = (bare_before.cpu_ms + bare_after.cpu_ms) / 2
    jwt, di = results[1], results[2]
    print()
    print("                               throughput   CPU per request (server + proof workers)")
    print(
        f"vc+jwt / healthz:               {jwt.rate / baseline.rate:5.2f}        "
        f"{baseline.cpu_ms / jwt.cpu_ms:5.2f}     (target >= 0.60)"
    )
    print(
        f"Data Integrity / bare verify:   {di.rate / bare_rate:5.2f}        "
        f"{bare_cpu / di.cpu_ms:5.2f}     (target >= 0.80)"
    )


if __name__ == "__main__":
    main()
