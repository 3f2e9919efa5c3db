"""The apps `bench/overhead.py` serves: a bare FastAPI endpoint (`app`), and the same
endpoint under our whole middleware stack as `create_app` installs it (`stacked_app()`).

The endpoint is our `/healthz` function (sync, the same answer) at two paths: `/healthz`,
which rate limits exempt, and `/ping`, which they count.
"""

from __future__ import annotations

from fastapi import FastAPI

from app.client_address import ForwardedPolicy
from app.config import Settings
from app.log import configure_logging
from app.main import install_middleware


def healthz() -> dict[str, str]:
    """Liveness, as `app.health.router.healthz`."""
    return {"status": "ok"}


def _bare() -> FastAPI:
    bare = FastAPI()
    bare.get("/healthz")(healthz)
    bare.get("/ping")(healthz)
    return bare


app = _bare()


def stacked_app() -> FastAPI:
    """The bare app with our middleware, logging at INFO (the default) as the service does."""
    settings = Settings(rate_limit_per_minute=100_000_000, rate_limit_burst=100_000_000)
    configure_logging("INFO")
    stacked = _bare()
    stacked.state.forwarded_policy = ForwardedPolicy.of(
        trust=settings.trust_forwarded_for,
        hops=settings.trusted_proxy_hops,
        proxies=settings.trusted_proxies,
    )
    install_middleware(stacked, settings)
    return stacked
