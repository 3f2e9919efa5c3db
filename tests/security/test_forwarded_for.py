"""Spoofing `X-Forwarded-For` does not escape the rate limit (issue 12, defect 4)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

PATH = "/.well-known/jwks.json"


def test_a_client_cannot_pick_its_address_behind_a_trusted_proxy(settings: Settings) -> None:
    app = create_app(
        settings.model_copy(
            update={"trust_forwarded_for": True, "rate_limit_per_minute": 1, "rate_limit_burst": 2}
        )
    )
    try:
        client = TestClient(app)  # no lifespan: the rate limit needs none
        proxy_saw = "203.0.113.9"
        answers = [
            client.get(PATH, headers={"X-Forwarded-For": f"198.51.100.{n}, {proxy_saw}"})
            for n in range(4)
        ]
        assert [answer.status_code for answer in answers] == [200, 200, 429, 429]
        # Another client, as the proxy reports it, has a bucket of its own.
        assert client.get(PATH, headers={"X-Forwarded-For": "203.0.113.10"}).status_code == 200
    finally:
        app.state.engine.dispose()
