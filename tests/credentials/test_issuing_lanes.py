"""Issuing lanes: a process works on `Settings.issuing_lanes` single issuances at once; the
others wait on the event loop without a worker thread or a database connection, so other
requests are answered meanwhile, and every waiting issuance is issued once a lane is free."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import make_sessionmaker
from app.main import create_app
from tests.credentials.factories import issue_body, issuing_setup

WAITING = 3


@pytest.fixture
def one_lane_app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings.model_copy(update={"issuing_lanes": 1}))
    yield application
    application.state.engine.dispose()


def test_issuances_beyond_the_lanes_wait_without_a_connection_and_then_issue(
    one_lane_app: FastAPI,
) -> None:
    with TestClient(one_lane_app) as client, make_sessionmaker(one_lane_app.state.engine)() as db:
        setup = issuing_setup(client, one_lane_app, db)
        db.close()
        assert client.get("/no-such-path").status_code == 404  # routes prepared, one at a time
        limiter: anyio.CapacityLimiter = one_lane_app.state.issuing_limiter
        holder = object()
        assert client.portal is not None
        client.portal.call(limiter.acquire_on_behalf_of, holder)

        def issue(n: int) -> int:
            body = issue_body(setup.curriculum_id, name=f"Worker {n}")
            return client.post("/api/v1/credentials", headers=setup.provider, json=body).status_code

        with ThreadPoolExecutor(max_workers=WAITING) as pool:
            waiting = [pool.submit(issue, n) for n in range(WAITING)]
            while limiter.statistics().tasks_waiting < WAITING:
                assert not any(future.done() for future in waiting)
            assert one_lane_app.state.engine.pool.checkedout() == 0
            assert client.get("/healthz").status_code == 200  # answered while they wait
            client.portal.call(limiter.release_on_behalf_of, holder)
            statuses = [future.result(timeout=60) for future in waiting]

        assert statuses == [201] * WAITING
        assert limiter.borrowed_tokens == 0
