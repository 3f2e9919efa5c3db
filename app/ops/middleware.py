"""The ASGI middleware that feeds the HTTP metrics, and its installation in an app."""

from __future__ import annotations

import time

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.ops.metrics import HttpMetrics


class MetricsMiddleware:
    """Counts each HTTP request and its duration under its route template.

    The router records the matched route in the shared `scope`, so it is known once the
    request has been answered; requests refused before routing (rate limits, body limits)
    count as `unmatched`.
    """

    def __init__(self, app: ASGIApp, *, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            route = scope.get("route")
            self.metrics.observe(
                method=scope["method"],
                route=getattr(route, "path", None),
                status=status,
                seconds=time.perf_counter() - started,
            )


def install_metrics(app: FastAPI) -> None:
    """Give `app` its own HTTP metrics (`app.state.http_metrics`) and the middleware feeding
    them; call it just before adding the outermost middleware so rejections count too."""
    app.state.http_metrics = HttpMetrics()
    app.add_middleware(MetricsMiddleware, metrics=app.state.http_metrics)
