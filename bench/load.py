"""Mixed load and soak: `nassc serve --workers 2` on PostgreSQL, 64 connections, loopback.

The mix, by request number: 80% verifications (`POST /api/v1/verify`, half vc+jwt, half Data
Integrity, over a pool of credentials issued before the run), 15% status-list fetches
(`GET /status/{id}`), 5% issuance (`POST /api/v1/credentials`, a new worker each). It prints
throughput, p50/p99 per kind, errors (any answer but 200, or 201 for issuance; target 0),
the server's memory (every process, workers included) after a warm-up and at the end
(target: growth under 20%), and the verification p99 (target under 100 ms).

The load generator runs in this process and shares the cores with the server; on a shared
machine, read the figures beside the load others put on it (printed at the start and end).

Run: `.venv/bin/python bench/load.py [--seconds 60] [--connections 64] [--workers 2]`.
Bounded by time and by request count; PostgreSQL is required (NASSC_BENCH_POSTGRES_URL).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench import harness
from bench.http_issuance import Setup, _request, _settings, prepare
from bench.loadgen import LoadResult, request_bytes, run_load

POOL = 32
KINDS = ("verify vc+jwt", "verify Data Integrity", "status list", "issue")


def kind_of(n: int) -> str:
    """Request n's kind: 5% issuance, 15% status lists, 80% verification (half each form)."""
    slot = n % 20
    if slot == 0:
        return "issue"
    if slot <= 3:
        return "status list"
    return "verify vc+jwt" if slot % 2 else "verify Data Integrity"


def _issued_pool(base: str, setup: Setup) -> list[dict[str, object]]:
    headers = {"Authorization": f"Bearer {setup.token}"}
    pool = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for n in range(POOL):
            body = _request(setup.standard_code, 10_000_000 + n).model_dump(
                mode="json", exclude_none=True
            )
            response = client.post("/api/v1/credentials", json=body, headers=headers)
            if response.status_code != 201:
                raise SystemExit(f"issuing the pool failed: {response.text}")
            pool.append(response.json())
    return pool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="duration (default 60)")
    parser.add_argument("--connections", type=int, default=64, help="connections (default 64)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    args = parser.parse_args()
    if not harness.postgres_reachable():
        raise SystemExit(f"PostgreSQL at {harness.POSTGRES_ADMIN_URL} is unreachable")

    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with (
        tempfile.TemporaryDirectory(prefix="nassc-bench-") as name,
        harness.database(Path(name), engine="postgres") as url,
    ):
        folder = Path(name)
        port = harness.free_port()
        env = harness.environment(url, folder, port)
        setup = prepare(_settings(env))
        base = f"http://{harness.HOST}:{port}"
        host = f"{harness.HOST}:{port}"
        with harness.serve(env, port, workers=args.workers) as server:
            pool = _issued_pool(base, setup)
            auth = {"Authorization": f"Bearer {setup.token}", "Content-Type": "application/json"}
            jwts = [
                request_bytes(
                    "POST",
                    "/api/v1/verify",
                    host=host,
                    body=str(item["jwt"]).encode(),
                    headers={"Content-Type": "application/vc+jwt"},
                )
                for item in pool
            ]
            documents = [
                request_bytes(
                    "POST",
                    "/api/v1/verify",
                    host=host,
                    body=json.dumps({"credential": item["credential"]}).encode(),
                    headers={"Content-Type": "application/json"},
                )
                for item in pool
            ]
            lists = sorted(
                {
                    entry["statusListCredential"].removeprefix(base)
                    for item in pool
                    for entry in item["credential"]["credentialStatus"]  # type: ignore[index]
                }
            )
            status_requests = [request_bytes("GET", path, host=host) for path in lists]

            def make(n: int) -> bytes:
                kind = kind_of(n)
                if kind == "issue":
                    body = _request(setup.standard_code, n).model_dump_json(exclude_none=True)
                    return request_bytes(
                        "POST", "/api/v1/credentials", host=host, body=body.encode(), headers=auth
                    )
                if kind == "status list":
                    return status_requests[n % len(status_requests)]
                return (jwts if kind == "verify vc+jwt" else documents)[n // 20 % POOL]

            def good(n: int, status: int, _body: bytes) -> bool:
                return status == (201 if kind_of(n) == "issue" else 200)

            warm = run_load("warm-up", harness.HOST, port, make, connections=8, seconds=3)
            memory_start = harness.rss_megabytes(server.pid)
            result = run_load(
                "mixed",
                harness.HOST,
                port,
                make,
                connections=args.connections,
                seconds=args.seconds,
                kind=kind_of,
                check=good,
                start_number=warm.count + 1000,
                server_cpu=lambda: harness.cpu_seconds(server.pid),
            )
            memory_end = harness.rss_megabytes(server.pid)
    _report(result, memory_start, memory_end, args)


def _report(
    result: LoadResult, memory_start: float, memory_end: float, args: argparse.Namespace
) -> None:
    print(
        f"nassc serve --workers {args.workers}, PostgreSQL, {args.connections} connections, "
        f"{result.elapsed:.0f} s: {result.count} requests, {result.rate:.1f}/s, "
        f"server CPU {result.server_cpu_ms:.2f} ms per request"
    )
    for kind in KINDS:
        latencies = result.by_kind.get(kind, [])
        print(
            f"  {kind:<22} {len(latencies):6d} ({len(latencies) / result.elapsed:6.1f}/s)  "
            f"p50 {result.percentile_ms(0.5, kind):7.1f} ms  "
            f"p99 {result.percentile_ms(0.99, kind):7.1f} ms  "
            f"errors {result.errors_by_kind.get(kind, 0)}"
        )
    verification_p99 = max(result.percentile_ms(0.99, k) for k in KINDS[:2])
    growth = memory_end / memory_start - 1
    print(f"errors: {result.errors} (target 0); statuses: {dict(sorted(result.statuses.items()))}")
    print(
        f"server memory: {memory_start:.0f} MB after warm-up, {memory_end:.0f} MB at the end, "
        f"{growth:+.1%} (target < +20%)"
    )
    print(f"verification p99: {verification_p99:.1f} ms (target < 100 ms)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
