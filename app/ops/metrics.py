"""Prometheus metrics: per-process HTTP figures, and business figures counted in the database.

| metric                                          | kind      | source                     |
|-------------------------------------------------|-----------|----------------------------|
| `http_requests_total{method,route,status}`      | counter   | this process               |
| `http_request_duration_seconds{method,route}`   | histogram | this process               |
| `credentials_issued_total`                      | counter   | database, at scrape time   |
| `verifications_total{outcome}`                  | counter   | database, at scrape time   |
| `batch_rows_processed_total{result}`            | counter   | database, at scrape time   |
| `batch_rows_pending`                            | gauge     | database, at scrape time   |
| `credential_batches{status}`                    | gauge     | database, at scrape time   |

`route` is the matched route's template (`/claim/{token}`), never the raw path: some paths
carry secrets, and templates keep the label set bounded. Requests that match no route are
`unmatched`, and unusual methods are `other`, for the same reason.

The database figures are counted when Prometheus scrapes, so they are right however many
worker processes or batch runners there are, and survive restarts. The HTTP figures live in
the process that served the request: with several workers, either let Prometheus scrape each
worker, or run in prometheus_client's multiprocess mode by pointing
`PROMETHEUS_MULTIPROC_DIR` at an empty directory (wiped at each start) before the workers
start; `/metrics` then merges every worker's files. Each app keeps its metrics in a registry
of its own rather than the library's global one, so several apps in one process (as in the
tests) do not collide.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.credentials.models import (
    BatchStatus,
    Credential,
    CredentialBatch,
    CredentialBatchRow,
    RowStatus,
)
from app.verification.models import VerificationEvent

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED_ROUTE = "unmatched"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class HttpMetrics:
    """The request counter and latency histogram of one app, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )

        # The labelled children, looked up once per (method, route, status): `labels()`
        # checks and locks on every call. Bounded, as the labels are.
        self._children: dict[tuple[str, str | None, int], tuple[Counter, Histogram]] = {}

    def observe(self, *, method: str, route: str | None, status: int, seconds: float) -> None:
        """Count one answered request and its duration."""
        children = self._children.get((method, route, status))
        if children is None:
            children = self._labels(method, route, status)
            self._children[(method, route, status)] = children
        children[0].inc()
        children[1].observe(seconds)

    def _labels(self, method: str, route: str | None, status: int) -> tuple[Counter, Histogram]:
        method = method if method in KNOWN_METHODS else "other"
        route = route or UNMATCHED_ROUTE
        return (
            self.requests.labels(method=method, route=route, status=str(status)),
            self.duration.labels(method=method, route=route),
        )


def database_metrics(session: Session) -> list[Metric]:
    """The business figures, counted in the database now."""
    issued = CounterMetricFamily(
        "credentials_issued", "Credentials issued, whatever their status now."
    )
    issued.add_metric([], session.scalar(select(func.count()).select_from(Credential)) or 0)

    verifications = CounterMetricFamily(
        "verifications", "Verifications recorded, by outcome.", labels=["outcome"]
    )
    outcomes = select(VerificationEvent.outcome, func.count()).group_by(VerificationEvent.outcome)
    for outcome, count in sorted(session.execute(outcomes).all()):
        verifications.add_metric([outcome], count)

    processed = CounterMetricFamily(
        "batch_rows_processed", "Batch rows processed, by result.", labels=["result"]
    )
    row_counts = dict(
        session.execute(
            select(CredentialBatchRow.status, func.count()).group_by(CredentialBatchRow.status)
        ).all()
    )
    for result in (RowStatus.issued, RowStatus.failed):
        processed.add_metric([result.value], row_counts.get(result.value, 0))

    pending = GaugeMetricFamily(
        "batch_rows_pending", "Rows still to issue in batches that have not completed."
    )
    pending_rows = (
        select(func.count())
        .select_from(CredentialBatchRow)
        .join(CredentialBatch, CredentialBatchRow.batch_id == CredentialBatch.id)
        .where(
            CredentialBatchRow.status == RowStatus.pending,
            CredentialBatch.status != BatchStatus.completed,
        )
    )
    pending.add_metric([], session.scalar(pending_rows) or 0)

    batches = GaugeMetricFamily("credential_batches", "Batches by status.", labels=["status"])
    batch_counts = dict(
        session.execute(
            select(CredentialBatch.status, func.count()).group_by(CredentialBatch.status)
        ).all()
    )
    for status in BatchStatus:
        batches.add_metric([status.value], batch_counts.get(status.value, 0))
    return [issued, verifications, processed, pending, batches]


class _Scrape(Collector):
    """One scrape: the HTTP figures (this process's, or every worker's) and the database's."""

    def __init__(self, http: Iterable[Metric], database: list[Metric]) -> None:
        self.http = http
        self.database = database

    def collect(self) -> Iterator[Metric]:
        yield from self.http
        yield from self.database


def exposition(session: Session, *, http: HttpMetrics, accept: str | None) -> tuple[bytes, str]:
    """The scrape body and its content type (OpenMetrics if `accept` asks for it)."""
    if os.environ.get(MULTIPROCESS_ENV):
        merged: Iterable[Metric] = MultiProcessCollector(None).collect()  # type: ignore[no-untyped-call]
    else:
        merged = http.registry.collect()
    encoder, content_type = choose_encoder(accept or "")
    return encoder(_Scrape(merged, database_metrics(session))), content_type
