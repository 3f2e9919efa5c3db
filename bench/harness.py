"""What the HTTP benchmarks share: a throwaway database (PostgreSQL when one answers, else
SQLite), a real `nassc serve` on loopback, and the CPU time and memory of its processes
read from Linux /proc (robust to other load on a shared machine, unlike throughput)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg

from app.config import PROJECT_ROOT

HOST = "127.0.0.1"
SECRET = secrets.token_hex(24)
POSTGRES_ADMIN_URL = os.environ.get(
    "NASSC_BENCH_POSTGRES_URL",
    os.environ.get("NASSC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return children
    for task in tasks:
        try:
            children += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
    return children


def process_tree(pid: int) -> list[int]:
    """`pid` and its live descendants."""
    return [pid, *(d for child in _children(pid) for d in process_tree(child))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live descendants."""
    total = 0.0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def rss_megabytes(pid: int) -> float:
    """Resident memory of a process and its live descendants, in MB."""
    total = 0
    for member in process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def postgres_reachable() -> bool:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextmanager
def database(folder: Path, *, engine: str = "auto") -> Iterator[str]:
    """A new empty database URL: PostgreSQL (dropped at the end) when `engine` is
    `postgres`, or `auto` and one answers; else a SQLite file in `folder`."""
    if engine == "sqlite" or (engine == "auto" and not postgres_reachable()):
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    name = f"nassc_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database_url: str, folder: Path, port: int, **extra: str) -> dict[str, str]:
    """The server's environment: its database, keys, loopback URL and no rate limit."""
    return {
        **os.environ,
        "NASSC_DATABASE_URL": database_url,
        "NASSC_KEYS_DIR": str(folder / "keys"),
        "NASSC_PUBLIC_BASE_URL": f"http://{HOST}:{port}",
        "NASSC_KEY_PASSPHRASE": SECRET,
        "NASSC_TOKEN_SECRET": SECRET,
        "NASSC_RATE_LIMIT_PER_MINUTE": "100000000",
        "NASSC_RATE_LIMIT_BURST": "100000000",
        "NASSC_LOG_LEVEL": "WARNING",
        **extra,
    }


def wait_ready(base: str, server: subprocess.Popen[bytes], path: str = "/healthz") -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"{base}{path}", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start in 180 s")


@contextmanager
def serve(
    env: dict[str, str], port: int, *, workers: int = 1, command: list[str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """`nassc serve` (or `command`) on loopback until the block ends."""
    nassc = str(Path(sys.executable).parent / "nassc")
    argv = command or [
        nassc,
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    server = subprocess.Popen(
        argv, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_ready(f"http://{HOST}:{port}", server)
        if workers > 1:  # every worker process answers, not just the first one up
            for _ in range(workers * 8):
                httpx.get(f"http://{HOST}:{port}/healthz", timeout=5)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
