"""`GET /healthz` (the process answers) and `GET /readyz` (database and keys ready)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import problem_body, problem_response
from app.routing import ProblemRoute

router = APIRouter(tags=["health"], route_class=ProblemRoute)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process is up and serving."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready"}})
def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers and a signing key is loaded."""
    checks: dict[str, Any] = {}
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError:
        checks["database"] = "unreachable"
    key_ring = getattr(request.app.state, "key_ring", None)
    checks["signing_key"] = "ok" if key_ring is not None and key_ring.can_sign else "missing"
    if all(value == "ok" for value in checks.values()):
        return JSONResponse({"status": "ready", "checks": checks})
    body = problem_body(
        slug="not-ready",
        title="The service is not ready",
        status=503,
        instance=request.url.path,
        checks=checks,
    )
    return problem_response(body)
