"""`GET /healthz` (the process answers) and `GET /readyz` (database and keys ready)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import AppError, problem_body, problem_response
from app.keys import service as keys_service
from app.keys.store import KeyStoreError
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
    checks["signing_key"] = "missing"
    if checks["database"] == "ok":
        with request.app.state.sessionmaker() as session:
            try:
                keys_service.active_key(session, cache=request.app.state.key_cache)
                checks["signing_key"] = "ok"
            except (AppError, KeyStoreError, SQLAlchemyError):
                pass
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
