"""RFC 9457 problem details: one `AppError` hierarchy rendered by one set of handlers.

Every error the service returns is `application/problem+json` with a stable `type` URI, so
clients can branch on `type` rather than on English text.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_BASE = "https://nassc.org/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
DATABASE_RETRY_AFTER = 5
"""Seconds a client is asked to wait after a 503 for an unavailable database."""

logger = logging.getLogger("app.errors")


def problem_type(slug: str) -> str:
    """The stable `type` URI of a problem kind."""
    return PROBLEM_BASE + slug


class AppError(Exception):
    """Base of every expected error; subclasses set `slug`, `title` and `status`."""

    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal server error"
    status: ClassVar[int] = 500

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.extensions = extensions
        self.headers: dict[str, str] = {}

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        """The problem+json body of this error."""
        return problem_body(
            slug=self.slug,
            title=self.title,
            status=self.status,
            detail=self.detail,
            instance=instance,
            **self.extensions,
        )


def problem_body(
    *,
    slug: str,
    title: str,
    status: int,
    detail: str | None = None,
    instance: str | None = None,
    **extensions: Any,
) -> dict[str, Any]:
    """Assemble an RFC 9457 problem object (members first, then extensions)."""
    body: dict[str, Any] = {"type": problem_type(slug), "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return body


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    """Render a problem body with its media type."""
    return JSONResponse(
        jsonable_encoder(body),
        status_code=int(body["status"]),
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


class BadRequest(AppError):
    slug = "bad-request"
    title = "Bad request"
    status = 400


class MalformedJSON(AppError):
    slug = "malformed-json"
    title = "The request body is not valid JSON"
    status = 400


class ValidationFailed(AppError):
    slug = "validation-error"
    title = "The request did not validate"
    status = 422


class Unauthorized(AppError):
    slug = "unauthorized"
    title = "Authentication required"
    status = 401

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, **extensions)
        self.headers = {"WWW-Authenticate": 'Bearer realm="nassc"'}


class Forbidden(AppError):
    slug = "forbidden"
    title = "Not allowed for this role"
    status = 403


class NotFound(AppError):
    slug = "not-found"
    title = "Not found"
    status = 404


class MethodNotAllowed(AppError):
    slug = "method-not-allowed"
    title = "Method not allowed"
    status = 405


class Conflict(AppError):
    slug = "conflict"
    title = "Conflict with the current state"
    status = 409


class PayloadTooLarge(AppError):
    slug = "payload-too-large"
    title = "The request body is too large"
    status = 413


class UnsupportedMediaType(AppError):
    slug = "unsupported-media-type"
    title = "Unsupported content type"
    status = 415


class RateLimited(AppError):
    slug = "rate-limited"
    title = "Too many requests"
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Retry after {retry_after} seconds.")
        self.headers = {"Retry-After": str(retry_after)}


class ServiceUnavailable(AppError):
    slug = "service-unavailable"
    title = "Service unavailable"
    status = 503


_STATUS_TO_ERROR: dict[int, type[AppError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    503: ServiceUnavailable,
}


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors():
        errors.append(
            {
                "loc": [str(part) for part in error.get("loc", ())],
                "msg": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
        )
    return errors


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path, sorted (HEAD with GET)."""
    path = request.scope.get("path", "")
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        pattern = getattr(route, "path_regex", None)
        if route.methods and pattern is not None and pattern.match(path):
            methods.update(route.methods)
    return sorted(methods)


def install_problem_handlers(app: FastAPI) -> None:
    """Render every error — ours, Starlette's, validation and unexpected — as problem+json."""

    async def on_app_error(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, AppError):  # registered for AppError only
            raise exc
        return problem_response(exc.to_problem(request.url.path), exc.headers)

    async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, RequestValidationError):  # registered for it only
            raise exc
        errors = _validation_errors(exc)
        if any(error["type"] == "json_invalid" for error in errors):
            return problem_response(MalformedJSON().to_problem(request.url.path))
        error = ValidationFailed(
            "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:10]),
            errors=errors,
        )
        return problem_response(error.to_problem(request.url.path))

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, StarletteHTTPException):  # registered for it only
            raise exc
        error_class = _STATUS_TO_ERROR.get(exc.status_code)
        if error_class is None:
            body = problem_body(
                slug=f"http-{exc.status_code}",
                title=str(exc.detail),
                status=exc.status_code,
                instance=request.url.path,
            )
            return problem_response(body, dict(exc.headers or {}))
        if exc.status_code == 400:
            # Starlette/FastAPI raise a bare 400 when the body cannot be parsed at all
            # (invalid UTF-8, nesting deeper than the decoder allows).
            error: AppError = MalformedJSON()
        elif exc.status_code == 405:
            error = error_class()
            allowed = allowed_methods(request)
            if allowed:
                # RFC 9110 §15.5.6: Allow lists every method of the target resource, not
                # just those of the one route Starlette happened to match.
                exc.headers = {**dict(exc.headers or {}), "Allow": ", ".join(allowed)}
        elif exc.status_code == 404:
            error = error_class()
        else:
            error = error_class(str(exc.detail) if exc.detail else None)
        headers = {**dict(exc.headers or {}), **error.headers}
        return problem_response(error.to_problem(request.url.path), headers)

    async def on_database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # The database went away or is overloaded: the request's transaction did not
        # commit, so nothing of it was written, and a retry may well succeed.
        route = getattr(request.scope.get("route"), "path", None) or "unmatched"
        logger.warning("database unavailable", extra={"route": route, "error": type(exc).__name__})
        error = ServiceUnavailable("The database is unavailable; try again shortly.")
        return problem_response(
            error.to_problem(request.url.path), {"Retry-After": str(DATABASE_RETRY_AFTER)}
        )

    async def on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        # The route template, not the path: some paths carry secrets (claim and holder links).
        route = getattr(request.scope.get("route"), "path", None) or "unmatched"
        logger.exception("unhandled error", extra={"route": route})
        return problem_response(AppError().to_problem(request.url.path))

    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(OperationalError, on_database_unavailable)
    app.add_exception_handler(PoolTimeout, on_database_unavailable)
    app.add_exception_handler(Exception, on_unexpected_error)
