"""Data Integrity proofs checked in worker processes (`NASSC_VERIFICATION_PROCESSES`).

The other tests check proofs in the request's thread. Here the app runs a real pool of one
spawned worker, and the server process's own `verify_proof` is made to fail: every answer
that still comes out right was computed in the worker, and came back across the process
boundary intact (results, and the errors the engine turns into check codes).
"""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app import cli
from app.config import Settings
from app.crypto.workers import ProofWorkers
from app.main import VERIFICATION_LANES, _verification_lanes
from app.verification import proofs
from app.verification.proofs import Proofs, proof_checker
from tests.verification.factories import (
    codes,
    enveloped,
    issued_credential,
    signed_by_did_key,
    statuses,
    verify,
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"verification_processes": 1})


@pytest.fixture
def only_in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server process cannot check a proof itself (spawned workers are not patched)."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a proof was checked in the server process")

    monkeypatch.setattr(proofs, "verify_proof", refuse)


def _pool(app: FastAPI) -> ProofWorkers:
    checker = app.state.proof_checker
    assert isinstance(checker, Proofs)
    assert checker.workers is not None
    return checker.workers


def _worker_pid(app: FastAPI) -> int:
    pid: int = _pool(app).submit(os.getpid).result(timeout=60)
    return pid


@pytest.mark.usefixtures("only_in_workers")
def test_workers_check_credentials_and_their_failures(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    assert _worker_pid(app) != os.getpid()
    _, issued = issued_credential(client, app, db)

    body = verify(client, issued["credential"])
    assert body["verified"] is True
    assert statuses(body)["proof"] == "passed"
    assert body["summary"]["credential_id"] == issued["credential"]["id"]

    tampered = json.loads(json.dumps(issued["credential"]))
    tampered["credentialSubject"]["name"] = "Someone Else"
    body = verify(client, tampered)
    assert body["outcome"] == "tampered"
    assert codes(body)["proof"] == "signature-mismatch"

    # UnknownContextError is raised in the worker and must arrive whole (with its url).
    remote = "https://attacker.example/context.jsonld"
    unpinned = json.loads(json.dumps(issued["credential"]))
    unpinned["@context"] = [*unpinned["@context"], remote]
    body = verify(client, unpinned)
    assert codes(body)["proof"] == "unknown-context"
    assert remote in next(c["detail"] for c in body["checks"] if c["name"] == "proof")


@pytest.mark.usefixtures("only_in_workers")
def test_workers_check_a_holder_proof(client: TestClient, app: FastAPI, db: Session) -> None:
    _, first = issued_credential(client, app, db)
    signed, _ = signed_by_did_key(app, first["credential"], enveloped(first["jwt"]))

    body = client.post("/api/v1/verify", json={"presentation": signed}).json()
    assert body["verified"] is True
    assert body["checks"][0]["code"] == "signature-valid"
    assert [credential["verified"] for credential in body["credentials"]] == [True, True]


def test_a_killed_worker_is_replaced(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    first = _worker_pid(app)
    os.kill(first, signal.SIGKILL)
    _wait_gone(first)

    # The request that finds the pool broken is still answered (checked locally if need be),
    # and the next ones run in a new worker.
    for _ in range(3):
        assert verify(client, issued["credential"])["verified"] is True
    assert _worker_pid(app) not in (first, os.getpid())


def test_lanes_grow_with_the_workers(app: FastAPI) -> None:
    assert _verification_lanes(app.state.proof_checker) == VERIFICATION_LANES + 1
    assert _verification_lanes(Proofs(app.state.contexts)) == VERIFICATION_LANES


def test_default_is_a_worker_per_core_and_none_on_one_core(app: FastAPI) -> None:
    contexts = app.state.contexts
    folder = app.state.settings.contexts_dir

    on_four = proof_checker(contexts, contexts_dir=folder, processes=None, cpu_count=4)
    assert on_four.workers is not None
    assert on_four.processes == on_four.workers.processes == 4
    on_one = proof_checker(contexts, contexts_dir=folder, processes=None, cpu_count=1)
    assert on_one.workers is None and on_one.processes == 0
    assert proof_checker(contexts, contexts_dir=folder, processes=0, cpu_count=4).workers is None
    # Nothing was started: workers start at the first proof or at the app's start-up.
    assert on_four.workers._executor is None


@pytest.mark.parametrize(("cores", "servers", "expected"), [(8, 4, "2"), (2, 4, "0"), (8, 1, None)])
def test_serve_divides_the_cores_among_its_servers(
    monkeypatch: pytest.MonkeyPatch, cores: int, servers: int, expected: str | None
) -> None:
    variable = "NASSC_VERIFICATION_PROCESSES"
    monkeypatch.setenv(variable, "")  # restored (unset) after the test
    monkeypatch.delenv(variable)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    served: list[tuple[int, str | None]] = []
    monkeypatch.setattr(
        uvicorn, "run", lambda *_, workers, **__: served.append((workers, os.environ.get(variable)))
    )

    result = CliRunner().invoke(cli.app, ["serve", "--workers", str(servers)])
    assert result.exit_code == 0, result.output
    assert served == [(servers, expected)]


def test_serve_keeps_an_explicit_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASSC_VERIFICATION_PROCESSES", "3")
    served: list[str | None] = []
    monkeypatch.setattr(
        uvicorn,
        "run",
        lambda *_, **__: served.append(os.environ.get("NASSC_VERIFICATION_PROCESSES")),
    )

    assert CliRunner().invoke(cli.app, ["serve", "--workers", "8"]).exit_code == 0
    assert served == ["3"]


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"worker {pid} did not exit")
