"""Request overhead benchmark: our middleware stack against a bare FastAPI endpoint, in CPU
time per request, over HTTP, in one run.

Three servers on loopback, each one Uvicorn process with the same options (no access log of
Uvicorn's, no proxy headers), all serving our `/healthz` function (`bench/bare_app.py`):
- bare: FastAPI and the endpoint, no middleware of ours (the baseline);
- stacked: the same app under our whole middleware stack, installed by
  `app.main.install_middleware` as in the service (request ids, the JSON access log at the
  default INFO level, CORS for public documents, metrics, rate limits with a limit too high
  to refuse, body limits);
- service: `nassc serve` itself (a temporary SQLite database), its real `/healthz`.
`GET /ping` goes through every middleware (`/healthz` is exempt from rate limits). Rounds
alternate between the servers; the ratios are of the servers' CPU time per request (from
/proc), which other load on a shared machine moves much less than throughput.
Target: stacked/bare ≤ 1.3x on `/ping`. The stack is measured in this process first, each
app called directly over ASGI in turn (no sockets, no Uvicorn): less noise, and a stricter
ratio, since Uvicorn's own work per request is in neither.

Run: `.venv/bin/python bench/overhead.py [--seconds 3] [--rounds 3] [--connections 8]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.log import JSONFormatter
from bench import harness
from bench.bare_app import app as bare_app
from bench.bare_app import stacked_app
from bench.loadgen import LoadResult, request_bytes, run_load


def _uvicorn(target: str, port: int, *, factory: bool = False) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        *(["--factory"] if factory else []),
        "--host",
        harness.HOST,
        "--port",
        str(port),
        "--no-access-log",
        "--no-proxy-headers",
        "--log-level",
        "warning",
    ]


def _measure(port: int, pid: int, path: str, seconds: float, connections: int) -> LoadResult:
    raw = request_bytes("GET", path, host=f"{harness.HOST}:{port}")
    return run_load(
        path,
        harness.HOST,
        port,
        lambda _n: raw,
        connections=connections,
        seconds=seconds,
        check=lambda _n, status, _body: status == 200,
        server_cpu=lambda: harness.cpu_seconds(pid),
    )


SCENARIOS = (
    ("stacked", "/ping", "middleware stack, GET /ping (target ≤ 1.3x)"),
    ("stacked", "/healthz", "middleware stack, GET /healthz (rate-limit exempt)"),
    ("service", "/healthz", "nassc serve, GET /healthz"),
)


_SCOPE: dict[str, Any] = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "root_path": "",
    "query_string": b"",
    "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench")],
    "client": ("127.0.0.1", 50000),
    "server": ("127.0.0.1", 8000),
}


async def _paired_cpu(apps: tuple[Any, Any], path: str, calls: int) -> tuple[float, float]:
    """CPU ms per request of each of two ASGI apps, called in turn in this process (no
    sockets, no Uvicorn), so both see the same load."""
    spent = [0.0, 0.0]
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    scope = {**_SCOPE, "path": path, "raw_path": path.encode()}
    for _ in range(calls):
        for slot, app in enumerate(apps):
            begun = time.process_time()
            await app(dict(scope), receive, send)
            spent[slot] += time.process_time() - begun
    if set(statuses) != {200}:
        raise SystemExit(f"in-process {path}: answers other than 200")
    return spent[0] / calls * 1000, spent[1] / calls * 1000


def in_process(rounds: int, calls: int) -> None:
    """The middleware stack against the bare app, called directly: no Uvicorn, no sockets,
    so less noise, and a stricter ratio (Uvicorn's own cost is in neither)."""
    stacked = stacked_app()
    logging.getLogger().handlers = [logging.StreamHandler(open(os.devnull, "w"))]  # noqa: SIM115
    logging.getLogger().handlers[0].setFormatter(JSONFormatter())
    ratios = []
    for round_ in range(1, rounds + 1):
        asyncio.run(_paired_cpu((bare_app, stacked), "/ping", calls // 10))  # warm up
        bare_ms, stacked_ms = asyncio.run(_paired_cpu((bare_app, stacked), "/ping", calls))
        ratios.append(stacked_ms / bare_ms)
        print(
            f"round {round_} in process, GET /ping: bare {bare_ms:5.3f} ms CPU/request | "
            f"stack {stacked_ms:5.3f} ms | {stacked_ms / bare_ms:4.2f}x "
            f"(+{(stacked_ms - bare_ms) * 1000:4.0f} µs)"
        )
    print(
        f"in process, GET /ping: stack/bare CPU per request, median of {rounds} rounds: "
        f"{statistics.median(ratios):4.2f}x (target ≤ 1.3x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per measure (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--connections", type=int, default=8, help="connections (default 8)")
    parser.add_argument("--calls", type=int, default=3000, help="in-process calls per round")
    args = parser.parse_args()
    in_process(args.rounds, args.calls)

    with tempfile.TemporaryDirectory(prefix="nassc-bench-") as name:
        folder = Path(name)
        ports = {"bare": harness.free_port(), "stacked": harness.free_port()}
        ports["service"] = harness.free_port()
        env = harness.environment(
            f"sqlite:///{folder / 'bench.db'}",
            folder,
            ports["service"],
            NASSC_LOG_LEVEL="INFO",
            NASSC_VERIFICATION_PROCESSES="0",
        )
        ratios: dict[str, list[float]] = {label: [] for _, _, label in SCENARIOS}
        with (
            harness.serve(
                env, ports["bare"], command=_uvicorn("bench.bare_app:app", ports["bare"])
            ) as bare,
            harness.serve(
                env,
                ports["stacked"],
                command=_uvicorn("bench.bare_app:stacked_app", ports["stacked"], factory=True),
            ) as stacked,
            harness.serve(env, ports["service"]) as service,
        ):
            pids = {"bare": bare.pid, "stacked": stacked.pid, "service": service.pid}

            def measure(which: str, path: str, seconds: float) -> LoadResult:
                return _measure(ports[which], pids[which], path, seconds, args.connections)

            for which, path, _ in SCENARIOS:  # warm up
                measure("bare", path, 0.5)
                measure(which, path, 0.5)
            for round_ in range(1, args.rounds + 1):
                for which, path, label in SCENARIOS:
                    base = measure("bare", path, args.seconds)
                    ours = measure(which, path, args.seconds)
                    if base.errors or ours.errors:
                        raise SystemExit(f"{label}: answers other than 200")
                    ratio = ours.server_cpu_ms / base.server_cpu_ms
                    ratios[label].append(ratio)
                    print(
                        f"round {round_} {label:<52} bare {base.server_cpu_ms:5.3f} ms CPU/request "
                        f"({base.rate:5.0f}/s) | ours {ours.server_cpu_ms:5.3f} ms "
                        f"({ours.rate:5.0f}/s) | {ratio:4.2f}x"
                    )
    for label, values in ratios.items():
        print(
            f"{label}: CPU per request against the bare endpoint, median of "
            f"{len(values)} rounds: {statistics.median(values):4.2f}x"
        )


if __name__ == "__main__":
    main()
