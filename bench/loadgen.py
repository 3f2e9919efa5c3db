"""A small HTTP/1.1 load generator for the benchmarks: keep-alive connections on loopback,
one asyncio task each, requests written as raw bytes and answers read by `Content-Length`.

Cheap on purpose: on a 2-core machine the client shares the cores with the server, and a
thread per connection (httpx, requests) would spend more CPU than the server it measures.
Each scenario is bounded by time and by request count.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

RequestMaker = Callable[[int], bytes]
"""Request number n -> the raw bytes of one HTTP/1.1 request (see `request_bytes`)."""


@dataclass
class LoadResult:
    """What one load run achieved; `statuses` counts answers by status code."""

    label: str
    count: int
    elapsed: float
    latencies: list[float]
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    server_cpu_seconds: float = 0.0
    client_cpu_seconds: float = 0.0
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    """Latencies by the request's kind, when the run was given `kind`."""
    errors_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, fraction: float, kind: str | None = None) -> float:
        latencies = self.latencies if kind is None else self.by_kind.get(kind, [])
        if not latencies:
            return 0.0
        ordered = sorted(latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else 0.0

    @property
    def p99_ms(self) -> float:
        return self.percentile_ms(0.99)

    @property
    def server_cpu_ms(self) -> float:
        """Server CPU time per request (all its processes)."""
        return self.server_cpu_seconds / max(1, self.count) * 1000


def request_bytes(
    method: str,
    path: str,
    *,
    host: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> bytes:
    """The raw bytes of a keep-alive HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method in {"POST", "PUT", "PATCH"}:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    length = 0
    chunked = False
    for line in header_lines:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, bytes(body)
        body += chunk[:-2]


async def _connection(
    host: str,
    port: int,
    make: RequestMaker,
    counter: list[int],
    limit: int,
    deadline: float,
    result: LoadResult,
    check: Callable[[int, int, bytes], bool] | None,
    kind: Callable[[int], str] | None,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline and counter[0] < limit:
            n = counter[0]
            counter[0] += 1
            begun = time.perf_counter()
            writer.write(make(n))
            status, body = await _read_response(reader)
            latency = time.perf_counter() - begun
            result.latencies.append(latency)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            label = kind(n) if kind is not None else ""
            if kind is not None:
                result.by_kind.setdefault(label, []).append(latency)
            if check is not None and not check(n, status, body):
                result.errors += 1
                result.errors_by_kind[label] = result.errors_by_kind.get(label, 0) + 1
    finally:
        writer.close()


async def _run(
    label: str,
    host: str,
    port: int,
    make: RequestMaker,
    *,
    connections: int,
    seconds: float,
    limit: int,
    check: Callable[[int, int, bytes], bool] | None,
    kind: Callable[[int], str] | None,
    start_number: int,
) -> LoadResult:
    result = LoadResult(label=label, count=0, elapsed=0.0, latencies=[])
    counter = [start_number]
    started = time.perf_counter()
    deadline = started + seconds
    outcomes = await asyncio.gather(
        *(
            _connection(
                host, port, make, counter, start_number + limit, deadline, result, check, kind
            )
            for _ in range(connections)
        ),
        return_exceptions=True,
    )
    result.elapsed = time.perf_counter() - started
    result.count = len(result.latencies)
    result.errors += sum(1 for outcome in outcomes if isinstance(outcome, BaseException))
    return result


def run_load(
    label: str,
    host: str,
    port: int,
    make: RequestMaker,
    *,
    connections: int,
    seconds: float,
    limit: int = 200_000,
    check: Callable[[int, int, bytes], bool] | None = None,
    kind: Callable[[int], str] | None = None,
    start_number: int = 0,
    server_cpu: Callable[[], float] | None = None,
) -> LoadResult:
    """Load the server from `connections` keep-alive connections for `seconds` (or `limit`
    requests); request n is `make(n)`, n counting from `start_number`. `check(n, status, body)`
    False counts an error, as does a connection that failed; `kind(n)` names request n's
    kind for latencies by kind."""
    server_before = server_cpu() if server_cpu else 0.0
    client_before = time.process_time()
    result = asyncio.run(
        _run(
            label,
            host,
            port,
            make,
            connections=connections,
            seconds=seconds,
            limit=limit,
            check=check,
            kind=kind,
            start_number=start_number,
        )
    )
    result.client_cpu_seconds = time.process_time() - client_before
    result.server_cpu_seconds = (server_cpu() - server_before) if server_cpu else 0.0
    return result
