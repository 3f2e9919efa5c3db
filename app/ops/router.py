"""`GET /metrics`: the Prometheus scrape endpoint."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from app.db import SessionDep
from app.ops import metrics
from app.ops.dependencies import MetricsAccess
from app.routing import ProblemRoute

router = APIRouter(tags=["operations"], route_class=ProblemRoute)


@router.get("/metrics", include_in_schema=False)
def read_metrics(
    request: Request,
    session: SessionDep,
    _: MetricsAccess,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """Prometheus metrics (text format, or OpenMetrics when asked for)."""
    body, content_type = metrics.exposition(
        session, http=request.app.state.http_metrics, accept=accept
    )
    return Response(body, media_type=content_type)
