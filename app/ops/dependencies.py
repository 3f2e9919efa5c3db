"""Who may read `/metrics`: a bearer token when one is configured, else only this machine.

Without `NASSC_METRICS_TOKEN` the endpoint answers loopback clients only, and refuses any
request that came through a proxy (it carries `Forwarded`, `X-Forwarded-For` or
`X-Real-IP`), since a proxy on the same machine would otherwise make every visitor look
local. Deployments behind a proxy should set the token.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Annotated

from fastapi import Depends, Request

from app.auth.dependencies import SettingsDep
from app.errors import Forbidden, Unauthorized

PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_metrics_access(request: Request, settings: SettingsDep) -> None:
    """Admit a scrape with the configured bearer token, or a direct one from loopback."""
    # An empty token counts as unset: it must never admit an empty `Bearer` header.
    expected = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    if expected:
        scheme, _, supplied = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            supplied.strip().encode(), expected.encode()
        ):
            raise Unauthorized("The metrics bearer token is missing or wrong.")
        return
    host = request.client.host if request.client else None
    if not _is_loopback(host) or any(name in request.headers for name in PROXY_HEADERS):
        raise Forbidden("Metrics are served to this machine only (no metrics token is set).")


MetricsAccess = Annotated[None, Depends(require_metrics_access)]
