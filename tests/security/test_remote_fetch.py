"""Fetching another issuer's status list over HTTP (issue 12, defects 6 and 7): a private
address is refused with a generic outcome, and slow hosts do not hold verification lanes."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.outbound import SafeFetcher
from app.verification.remote_status import (
    FetchResponse,
    HttpsListFetcher,
    RemoteStatusLists,
)
from tests.security.tls_server import answer, tls_server
from tests.verification.factories import (
    Clock,
    ForeignIssuer,
    add_trusted,
    codes,
    form_of,
    issued_credential,
    statuses,
    verify,
)


def _foreign(
    client: TestClient, app: FastAPI, db: Session
) -> tuple[ForeignIssuer, dict[str, Any], dict[str, Any], dict[str, Any]]:
    setup, issued = issued_credential(client, app, db)
    node = ForeignIssuer("mx.nassc.example")
    document = node.credential(issued["credential"])
    add_trusted(client, setup.staff, node)
    signed = node.sign(document, "di", app.state.contexts)
    assert isinstance(signed, dict)
    return node, document, signed, issued


def test_a_trusted_host_resolving_to_loopback_is_not_contacted_and_not_described(
    client: TestClient, app: FastAPI, db: Session, tmp_path: Path
) -> None:
    node, _, credential, _ = _foreign(client, app, db)
    with tls_server(tmp_path, node.host, answer(b"{}")) as server:
        fetcher = SafeFetcher(
            resolver=lambda host, port: ["127.0.0.1"], tls=server.client_tls, deadline=2
        )
        app.state.remote_status_lists = RemoteStatusLists(HttpsListFetcher(fetcher), clock=Clock())
        body = verify(client, credential)
        assert server.connections == []
    assert body["outcome"] == "status-unknown"
    assert statuses(body)["revocation"] == "unknown"
    assert codes(body)["revocation"] == "status-list-unavailable"
    text = json.dumps(body)
    for leak in ("127.0.0.1", "non-public", "Error", "resolve"):
        assert leak not in text, leak


class _BlockingFetcher:
    """A remote host whose first `expected` fetches answer only when released."""

    def __init__(self, expected: int) -> None:
        self.release = threading.Event()
        self.all_waiting = threading.Barrier(expected + 1)
        self._first = threading.Semaphore(expected)

    def fetch(self, url: str, *, etag: str | None) -> FetchResponse:
        if self._first.acquire(blocking=False):
            self.all_waiting.wait(timeout=10)
            self.release.wait(timeout=10)
        return FetchResponse(status=404)


def test_slow_remote_hosts_leave_the_lanes_to_local_verifications(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, _, foreign_credential, issued = _foreign(client, app, db)
    lanes = app.state.verification_limiter.total_tokens
    waiting = lanes + 1  # more slow verifications than there are lanes
    fetcher = _BlockingFetcher(waiting)
    app.state.remote_status_lists = RemoteStatusLists(fetcher, clock=Clock())
    outcomes: list[str] = []

    def slow() -> None:
        outcomes.append(verify(client, foreign_credential)["outcome"])

    slow_ones = [threading.Thread(target=slow) for _ in range(waiting)]
    for thread in slow_ones:
        thread.start()
    try:
        # Every slow verification reached the remote host at once: none waits for a lane.
        fetcher.all_waiting.wait(timeout=10)
        local: list[dict[str, Any]] = []
        local_thread = threading.Thread(
            target=lambda: local.append(verify(client, form_of(issued, "di")))
        )
        local_thread.start()
        local_thread.join(timeout=10)
        assert local and local[0]["verified"] is True
    finally:
        fetcher.release.set()
        for thread in slow_ones:
            thread.join(timeout=30)
    assert outcomes == ["status-unknown"] * waiting
