"""Real server processes for fault tests: started with `nassc serve` on a free port,
killed with SIGKILL, and their child processes found through /proc (Linux)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from app.config import Settings


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(settings: Settings, **overrides: str) -> dict[str, str]:
    """The environment of a server process on the test's database and key folder."""
    return {
        **os.environ,
        "NASSC_DATABASE_URL": settings.database_url,
        "NASSC_KEYS_DIR": str(settings.keys_dir),
        "NASSC_KEY_PASSPHRASE": settings.key_passphrase.get_secret_value(),
        "NASSC_TOKEN_SECRET": settings.token_secret.get_secret_value(),
        "NASSC_PUBLIC_BASE_URL": settings.public_base_url,
        "NASSC_LOG_LEVEL": "WARNING",
        "NASSC_FETCH_TRUSTED_STATUS_LISTS": "false",
        "NASSC_AUDIT_CHECKPOINT_SECONDS": "0",
        **overrides,
    }


def wait_for(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    """Poll `condition` until it holds (a server's progress has no event to wait on)."""
    deadline = time.monotonic() + seconds
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        pause.wait(0.05)


class Server:
    """One `nassc serve` process (its own session, so a test can kill it alone)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)],
                env=env,
                start_new_session=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the server exited:\n{self.log.read_text()}")
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.port}/healthz", timeout=1
            ) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def wait_ready(self) -> Server:
        wait_for(self.answers, seconds=60, what="the server to answer")
        return self

    def kill(self) -> None:
        """SIGKILL the server process alone (not its children), as the OOM killer would."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()


def children(pid: int) -> set[int]:
    """The live child processes of `pid` (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return {child for child in found if alive(child)}


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for its reaper does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def kill_leftovers(pids: set[int]) -> None:
    """Clean up after a failed test: SIGKILL the processes we started that still run."""
    for pid in pids:
        if alive(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
