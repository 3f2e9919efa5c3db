"""Scale: the same operations at 10,000 and at 1,000,000 credentials (or `--large`).

On a new PostgreSQL database: migrate, seed, load `--small` synthetic credentials with
`bench/scale_load.py`, measure; load up to `--large`, measure again; print each operation's
rate at both sizes and the ratio large/small (target: within 1.2x), and each report's time
at the large size (target: under 1 s). Measured, one request at a time:
- over HTTP (`nassc serve`, one worker): verification by id (`GET /api/v1/verify/{id}`) of
  credentials issued through the API; issuance (`POST /api/v1/credentials`); a status change
  with list republication (`POST /api/v1/admin/credentials/{id}/suspend`, then `reinstate`,
  on loaded credentials in full lists);
- in this process, the queries the console and the reports run: credential search by
  holder name and by standard code (`credentials.service.list_credentials` as the console
  calls it, first page and total), the credentials report and the mobility report.

Run: `.venv/bin/python bench/scale.py [--small 10000] [--large 1000000] [--seconds 5]`.
A million rows take 6-17 minutes to load, so the large size can be loaded ahead, while
code changes: `scale.py --preload DIR` makes a database of `--large` rows and keeps it
(its URL, keys, secret and port in DIR); `scale.py --large-from DIR` then measures the
small size on a new database and the large one on the kept database, migrated to the
current head, with the current code, and drops it at the end.
Loopback only; PostgreSQL is required (NASSC_BENCH_POSTGRES_URL).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Run as a script: the project root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import psycopg
from sqlalchemy.orm import Session, sessionmaker

from app.credentials import service as credentials_service
from app.db import make_engine, make_sessionmaker, utcnow
from app.reports import service as reports_service
from bench import harness
from bench.http_issuance import Setup, _request, _settings, prepare
from bench.scale_load import libpq_url, load, mark_synthetic

SEARCH_NAME = "josé hernández"
REPORTS = ("credentials report", "mobility report")


@dataclass
class Size:
    rows: int
    rates: dict[str, float]
    report_seconds: dict[str, float]


def timed_rate(operation: Callable[[int], object], seconds: float, limit: int = 100_000) -> float:
    """Calls per second of `operation(n)`, one at a time, for about `seconds` (at least 3),
    after three calls (n = 0, 1, 2) to warm up."""
    for n in range(3):
        operation(n)
    started = time.perf_counter()
    n = 3
    while n < 6 or (time.perf_counter() - started < seconds and n < limit):
        operation(n)
        n += 1
    n -= 3
    return n / (time.perf_counter() - started)


def _loaded_active(url: str, count: int) -> list[str]:
    """Active loaded credentials from the newest lists (the status change's targets)."""
    with psycopg.connect(libpq_url(url)) as connection:
        rows = connection.execute(
            "SELECT id FROM credential WHERE issued_by = 'synthetic:bench-load' "
            "AND status = 'active' ORDER BY revocation_list_id DESC, id LIMIT %s",
            (count,),
        ).fetchall()
    return [row[0] for row in rows]


def measure(
    client: httpx.Client, setup: Setup, sessions: sessionmaker[Session], url: str, seconds: float
) -> tuple[dict[str, float], dict[str, float]]:
    """Every operation's rate, and each report's mean time in seconds."""
    headers = {"Authorization": f"Bearer {setup.token}"}
    issued: list[str] = []

    def issue(n: int) -> None:
        body = _request(setup.standard_code, 20_000_000 + len(issued) + n).model_dump(
            mode="json", exclude_none=True
        )
        answer = client.post("/api/v1/credentials", json=body, headers=headers)
        if answer.status_code != 201:
            raise SystemExit(f"issuance failed: {answer.text}")
        issued.append(answer.json()["id"].removeprefix("urn:uuid:"))

    def verify(n: int) -> None:
        answer = client.get(f"/api/v1/verify/{issued[n % len(issued)]}")
        if answer.status_code != 200 or not answer.json().get("verified"):
            raise SystemExit(f"verification by id failed: {answer.text}")

    targets = _loaded_active(url, 200)

    def change(n: int) -> None:
        action = "suspend" if n % 2 == 0 else "reinstate"
        answer = client.post(
            f"/api/v1/admin/credentials/{targets[n // 2 % len(targets)]}/{action}",
            json={"reason": "Scale benchmark"},
            headers=headers,
        )
        if answer.status_code != 200:
            raise SystemExit(f"status change failed: {answer.text}")

    def search(**filters: Any) -> Callable[[int], object]:
        def run(_n: int) -> object:
            with sessions() as session:
                return credentials_service.list_credentials(
                    session, now=utcnow(), any_accents=True, offset=0, limit=20, **filters
                )

        return run

    def report(kind: str) -> Callable[[int], object]:
        def run(_n: int) -> object:
            with sessions() as session:
                if kind == "credentials report":
                    return reports_service.credential_report(session, now=utcnow())
                return reports_service.mobility_report(session)

        return run

    rates = {"issuance": timed_rate(issue, seconds)}
    rates["verification by id"] = timed_rate(verify, seconds)
    rates["status change + republication"] = timed_rate(change, seconds)
    rates["search by holder name"] = timed_rate(search(holder=SEARCH_NAME), seconds)
    rates["search by standard code"] = timed_rate(
        search(standard_code=setup.standard_code), seconds
    )
    report_seconds = {}
    for kind in REPORTS:
        rates[kind] = timed_rate(report(kind), seconds)
        report_seconds[kind] = 1 / rates[kind]
    return rates, report_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000, help="first size (default 10k)")
    parser.add_argument("--large", type=int, default=1_000_000, help="second size (default 1M)")
    parser.add_argument("--seconds", type=float, default=5.0, help="per operation (default 5)")
    parser.add_argument(
        "--preload",
        type=Path,
        metavar="DIR",
        help="only make a database of --large rows, kept (its URL, keys and secret in DIR)",
    )
    parser.add_argument(
        "--large-from",
        type=Path,
        metavar="DIR",
        help="measure the large size on the database --preload kept in DIR (then drop it)",
    )
    args = parser.parse_args()
    if not harness.postgres_reachable():
        raise SystemExit(f"PostgreSQL at {harness.POSTGRES_ADMIN_URL} is unreachable")
    if args.preload:
        preload(args.preload, args.large)
        return
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    sizes: list[Size] = []
    with (
        tempfile.TemporaryDirectory(prefix="nassc-bench-") as name,
        harness.database(Path(name), engine="postgres") as url,
    ):
        with psycopg.connect(libpq_url(url), autocommit=True) as connection:
            mark_synthetic(connection)
        port = harness.free_port()
        steps = [(args.small, url, Path(name), harness.SECRET, port)]
        if args.large_from:
            kept = json.loads((args.large_from / STATE).read_text())
            steps.append((kept["rows"], kept["url"], args.large_from, kept["secret"], kept["port"]))
        else:
            steps.append((args.large, url, Path(name), harness.SECRET, port))
        loaded = {url: 0}
        for rows, step_url, folder, secret, step_port in steps:
            sizes.append(_size(rows, step_url, folder, secret, step_port, loaded, args.seconds))
            print(f"load average after {rows:,} rows: {os.getloadavg()[0]:.1f}", flush=True)
    if args.large_from:
        _drop(steps[1][1])
    _report(sizes)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


STATE = "scale-database.json"


def _size(
    rows: int,
    url: str,
    folder: Path,
    secret: str,
    port: int,
    loaded: dict[str, int],
    seconds: float,
) -> Size:
    """Load `url` up to `rows` (unless already loaded) and measure it with its own server."""
    env = harness.environment(
        url, folder, port, NASSC_KEY_PASSPHRASE=secret, NASSC_TOKEN_SECRET=secret
    )
    setup = prepare(_settings(env))
    if url in loaded:
        started = time.perf_counter()
        rate = load(url, rows - loaded[url])
        print(
            f"loaded {rows - loaded[url]:,} credentials (+ as many verification events) "
            f"in {time.perf_counter() - started:.0f} s: {rate:,.0f} rows/s",
            flush=True,
        )
        loaded[url] = rows
    engine = make_engine(url)
    try:
        with (
            harness.serve(env, port, workers=1),
            httpx.Client(base_url=f"http://{harness.HOST}:{port}", timeout=120) as client,
        ):
            rates, report_seconds = measure(client, setup, make_sessionmaker(engine), url, seconds)
    finally:
        engine.dispose()
    return Size(rows, rates, report_seconds)


def preload(folder: Path, rows: int) -> None:
    """A database of `rows` synthetic credentials that outlives this run, described in
    `folder` (URL, secret, keys) for `--large-from`: a large load takes minutes."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"nassc_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(harness.POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = harness.POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        mark_synthetic(connection)
    # The port is kept too: it is in the issuer's did:web, which signed the status lists.
    port = harness.free_port()
    state = {"url": url, "secret": harness.SECRET, "rows": rows, "port": port}
    (folder / STATE).write_text(json.dumps(state))
    env = harness.environment(url, folder, port)
    prepare(_settings(env))
    started = time.perf_counter()
    rate = load(url, rows)
    print(
        f"kept {url}: {rows:,} credentials in {time.perf_counter() - started:.0f} s, "
        f"{rate:,.0f} rows/s"
    )


def _drop(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(harness.POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _report(sizes: list[Size]) -> None:
    small, large = sizes
    print(f"{'operation':<32} {small.rows:>10,} {large.rows:>10,}  ratio (target ≥ 1/1.2)")
    for operation, rate in small.rates.items():
        ratio = large.rates[operation] / rate
        print(f"{operation:<32} {rate:9.1f}/s {large.rates[operation]:9.1f}/s  {ratio:5.2f}x")
    for kind in REPORTS:
        print(
            f"{kind} at {large.rows:,} rows: {large.report_seconds[kind] * 1000:.0f} ms "
            f"(target < 1000 ms; {small.report_seconds[kind] * 1000:.0f} ms at {small.rows:,})"
        )


if __name__ == "__main__":
    main()
