"""ASGI middleware: request ids and access logs, body size limits, per-client rate limits.

Written as plain ASGI callables rather than `BaseHTTPMiddleware` so streaming bodies are
counted as they arrive and no request pays for an extra task.
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.client_address import ForwardedPolicy, scope_client_address
from app.errors import AppError, BadRequest, PayloadTooLarge, RateLimited, problem_response
from app.log import request_id_var

access_logger = logging.getLogger("app.access")

_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Gives each request an id (echoed as `X-Request-ID`) and logs one JSON line for it.

    The logged path is the matched route's template (`/claim/{token}`), never the raw
    path, because some paths carry secrets.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID_PATTERN.match(incoming) else None
        request_id = request_id or os.urandom(16).hex()
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if access_logger.isEnabledFor(logging.INFO):
                route = scope.get("route")
                # The record is made directly: `Logger.info` would also look for the calling
                # frame, which no log line prints.
                record = access_logger.makeRecord(
                    access_logger.name,
                    logging.INFO,
                    __file__,
                    0,
                    "request",
                    (),
                    None,
                    extra={
                        "method": scope["method"],
                        "route": getattr(route, "path", None) or "unmatched",
                        "status": status_holder["status"],
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
                access_logger.handle(record)
            request_id_var.reset(token)


class BodyLimitMiddleware:
    """Refuses bodies over the limit with 413, from `Content-Length` or while streaming."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        upload_max_bytes: int,
        upload_prefixes: tuple[str, ...],
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes
        self.upload_prefixes = upload_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.upload_max_bytes if path.startswith(self.upload_prefixes) else self.max_bytes
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _send_problem(scope, send, _bad_length())
                return
            if int(declared) > limit:
                await _send_problem(scope, send, _too_large(limit))
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException passes through FastAPI's body parsing unchanged,
                    # so the client sees 413 rather than a generic parse error.
                    raise HTTPException(413, detail=_too_large(limit).detail)
            return message

        await self.app(scope, counting_receive, send)


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimitMiddleware:
    """A token bucket per client address: `per_minute` sustained, `burst` at once.

    Buckets live in this process; with several workers each enforces its own share,
    which is why production also rate-limits at the load balancer.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        per_minute: int,
        burst: int,
        forwarded: ForwardedPolicy,
        exempt_paths: tuple[str, ...] = ("/healthz", "/readyz"),
        max_clients: int = 100_000,
    ) -> None:
        self.app = app
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.forwarded = forwarded
        self.exempt_paths = exempt_paths
        self.max_clients = max_clients
        self.buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _client_key(self, scope: Scope) -> str:
        return scope_client_address(scope, self.forwarded)

    def _take(self, key: str, now: float) -> float:
        """Take one token; return 0 if allowed, else the seconds until one is available."""
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = _Bucket(tokens=self.burst, updated=now)
            self.buckets[key] = bucket
            if len(self.buckets) > self.max_clients:
                self.buckets.popitem(last=False)
        else:
            self.buckets.move_to_end(key)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        wait = self._take(self._client_key(scope), time.monotonic())
        if wait > 0:
            await _send_problem(scope, send, RateLimited(retry_after=max(1, math.ceil(wait))))
            return
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The body may be at most {limit} bytes.", max_bytes=limit)


def _bad_length() -> AppError:
    return BadRequest("Content-Length is not a number.")


async def _send_problem(scope: Scope, send: Send, error: AppError) -> None:
    response = problem_response(error.to_problem(scope["path"]), error.headers)

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, no_body, send)
