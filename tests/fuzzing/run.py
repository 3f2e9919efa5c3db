"""Fuzz the API with Schemathesis: a real server, every operation, as anonymous, admin, provider.

    python -m tests.fuzzing.run [--examples 50] [--stateful] [--seed 20] [--report-dir DIR]

Starts `nassc serve` on a fresh SQLite database in a temporary folder (standards seeded, a
signing key, an admin user, an accredited provider with an API client), then runs
`schemathesis run` once per identity with every check. The run fails on server errors and
on statuses or content types the OpenAPI document does not list (`GATING_CHECKS`); the
other checks' findings are printed, to be read. `make fuzz` runs it with 50 examples per
operation and stateful links; `tests/fuzzing/test_fuzz.py` runs a few examples in the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from app import migrate
from app.auth.roles import Role
from app.config import Settings
from app.db import make_engine, make_sessionmaker, utcnow
from app.keys import service as keys_service
from app.keys.store import FileKeyStore
from app.providers import service as providers_service
from app.providers.models import TrainingProvider
from app.standards import service as standards_service
from app.users import service as users_service

GATING_CHECKS = {
    "ServerError": "server errors",
    "UndefinedStatusCode": "undocumented statuses",
    "UndefinedContentType": "undocumented content types",
}
"""Failures that fail the run (issue 20's acceptance), by Schemathesis' failure type."""

ADMIN = ("fuzz-admin", "a-long-fuzzing-password")
SECRETS = {
    "NASSC_TOKEN_SECRET": "fuzzing-token-secret-0123456789abcdef",
    "NASSC_KEY_PASSPHRASE": "fuzzing-key-passphrase-0123456789abcdef",
}


@dataclass
class Outcome:
    """What one identity's run found."""

    identity: str
    operations: int = 0
    test_cases: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def gating(self) -> int:
        return sum(self.failures.get(check, 0) for check in GATING_CHECKS)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(folder: Path, port: int, database_url: str | None = None) -> dict[str, str]:
    """A migrated, seeded database (an empty `database_url`, or SQLite in `folder`) and a key
    folder in `folder`; the server's environment."""
    env = {
        **os.environ,
        **SECRETS,
        "NASSC_DATABASE_URL": database_url or f"sqlite:///{folder / 'nassc.db'}",
        "NASSC_KEYS_DIR": str(folder / "keys"),
        "NASSC_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "NASSC_ENVIRONMENT": "development",
        "NASSC_RATE_LIMIT_PER_MINUTE": "1000000",
        "NASSC_RATE_LIMIT_BURST": "1000000",
        "NASSC_FETCH_TRUSTED_STATUS_LISTS": "false",
        "NASSC_VERIFICATION_PROCESSES": "0",
        "NASSC_SIGNING_PROCESSES": "1",
        "NASSC_AUDIT_CHECKPOINT_SECONDS": "0",
        "NASSC_LOG_LEVEL": "CRITICAL",
    }
    settings = Settings(
        database_url=env["NASSC_DATABASE_URL"],
        keys_dir=folder / "keys",
        public_base_url=env["NASSC_PUBLIC_BASE_URL"],
        environment="development",
        token_secret=SECRETS["NASSC_TOKEN_SECRET"],
        key_passphrase=SECRETS["NASSC_KEY_PASSPHRASE"],
    )
    migrate.upgrade(settings, "head", database_url=settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine).begin() as session:
            now = utcnow()
            standards_service.seed_standards(session, directory=settings.curricula_dir, now=now)
            store = FileKeyStore(settings.keys_dir, settings.key_passphrase.get_secret_value())
            keys_service.ensure_key(session, store=store, now=now)
            users_service.create_user(
                session, username=ADMIN[0], password=ADMIN[1], role=Role.admin
            )
            provider = TrainingProvider(
                name="Instituto de Fuzzing",
                country="MX",
                region="Puebla",
                identifier="FUZZ-00001",
                contact_name="Ana Pérez",
                contact_email="fuzz@provider.example",
                accreditation_status="accredited",
            )
            session.add(provider)
            session.flush()
            client, secret = providers_service.create_api_client(
                session, provider=provider, name="fuzzer"
            )
            env["FUZZ_CLIENT"] = f"{client.client_id}:{secret}"
    finally:
        engine.dispose()
    return env


@contextmanager
def server(env: dict[str, str], port: int) -> Iterator[str]:
    """`nassc serve` on `port` until the block ends; yields its base URL."""
    base_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tokens(base_url: str, env: dict[str, str]) -> dict[str, str | None]:
    """An access token per identity (None: anonymous)."""
    client_id, secret = env["FUZZ_CLIENT"].split(":", 1)
    grants = {
        "admin": {"grant_type": "password", "username": ADMIN[0], "password": ADMIN[1]},
        "provider": {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
        },
    }
    found: dict[str, str | None] = {"anonymous": None}
    for identity, form in grants.items():
        response = httpx.post(f"{base_url}/api/v1/auth/token", data=form, timeout=30)
        response.raise_for_status()
        found[identity] = str(response.json()["access_token"])
    return found


def schemathesis_command() -> list[str]:
    """How to start the Schemathesis CLI of this environment."""
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "schemathesis.cli"]


def fuzz(
    base_url: str,
    *,
    identity: str,
    token: str | None,
    examples: int,
    seed: int,
    stateful: bool,
    report_dir: Path,
) -> Outcome:
    """One `schemathesis run` as `identity`; its findings."""
    # The short run in the suite skips the examples phase (a few more cases per operation).
    phases = "examples,fuzzing,stateful" if stateful else "fuzzing"
    report = report_dir / f"{identity}.json"
    command = [
        *schemathesis_command(),
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(examples),
        "--seed",
        str(seed),
        "--phases",
        phases,
        "--workers",
        "1",
        "--no-shrink",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "60",
        "--warnings",
        "off",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    if token is not None:
        command += ["--header", f"Authorization: Bearer {token}"]
    subprocess.run(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    return read_report(identity, report)


def read_report(identity: str, report: Path) -> Outcome:
    """The findings of a Schemathesis JSON report."""
    outcome = Outcome(identity)
    if not report.exists():
        outcome.errors.append("Schemathesis wrote no report")
        return outcome
    document: dict[str, Any] = json.loads(report.read_text())
    outcome.operations = int(document["operations"]["tested"])
    outcome.test_cases = int(document["test_cases"]["generated"])
    for group in document["failures"]:
        check = str(group["type"])
        outcome.failures[check] = outcome.failures.get(check, 0) + int(group["count"])
        outcome.details.append(
            f"{check}: {group['title']} x{group['count']} in {', '.join(group['operations'])}"
        )
    outcome.errors.extend(f"{error['title']} x{error['count']}" for error in document["errors"])
    return outcome


def run(
    *,
    examples: int,
    seed: int,
    stateful: bool,
    report_dir: Path | None,
    database_url: str | None = None,
) -> list[Outcome]:
    """The whole fuzzing run: a server (on `database_url`, or SQLite), three identities."""
    with tempfile.TemporaryDirectory(prefix="nassc-fuzz-") as temporary:
        folder = Path(temporary)
        reports = report_dir or folder / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        env = prepare(folder, port, database_url)
        with server(env, port) as base_url:
            return [
                fuzz(
                    base_url,
                    identity=identity,
                    token=token,
                    examples=examples,
                    seed=seed,
                    stateful=stateful,
                    report_dir=reports,
                )
                for identity, token in tokens(base_url, env).items()
            ]


def summary(outcomes: list[Outcome]) -> str:
    """A plain-text account of the run."""
    lines = []
    for outcome in outcomes:
        gating = ", ".join(
            f"{outcome.failures.get(check, 0)} {label}" for check, label in GATING_CHECKS.items()
        )
        lines.append(
            f"{outcome.identity}: {outcome.operations} operations, {outcome.test_cases} test "
            f"cases; {gating}"
        )
        lines.extend(f"  {detail}" for detail in outcome.details)
        lines.extend(f"  error: {error}" for error in outcome.errors)
    return "\n".join(lines)


def main() -> int:
    """Entry point of `python -m tests.fuzzing.run`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--examples", type=int, default=50, help="test cases per operation")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--stateful", action="store_true", help="also follow the links")
    parser.add_argument("--report-dir", type=Path, default=None)
    parser.add_argument(
        "--database-url", default=None, help="an empty database to use instead of SQLite"
    )
    arguments = parser.parse_args()
    outcomes = run(
        examples=arguments.examples,
        seed=arguments.seed,
        stateful=arguments.stateful,
        report_dir=arguments.report_dir,
        database_url=arguments.database_url,
    )
    print(summary(outcomes))
    failed = any(outcome.gating or outcome.errors for outcome in outcomes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
