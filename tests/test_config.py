"""Production refuses placeholder or short secrets; development accepts its defaults."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.config import DEV_PLACEHOLDER, Settings

STRONG = "s" * 40


def test_development_defaults_load() -> None:
    settings = Settings(environment="development")
    assert settings.key_passphrase.get_secret_value() == DEV_PLACEHOLDER


@pytest.mark.parametrize(
    ("passphrase", "token_secret"),
    [(DEV_PLACEHOLDER, STRONG), (STRONG, DEV_PLACEHOLDER), (STRONG, "short"), ("", STRONG)],
)
def test_production_refuses_weak_secrets(passphrase: str, token_secret: str) -> None:
    with pytest.raises(ValidationError, match="NASSC_"):
        Settings(
            environment="production",
            public_base_url="https://credentials.nassc.example",
            key_passphrase=passphrase,
            token_secret=token_secret,
        )


def test_production_requires_https() -> None:
    with pytest.raises(ValidationError, match="https"):
        Settings(
            environment="production",
            public_base_url="http://credentials.nassc.example",
            key_passphrase=STRONG,
            token_secret=STRONG,
        )


def test_production_accepts_strong_secrets() -> None:
    settings = Settings(
        environment="production",
        public_base_url="https://credentials.nassc.example/",
        key_passphrase=STRONG,
        token_secret=STRONG,
    )
    assert settings.public_base_url == "https://credentials.nassc.example"


def test_secrets_do_not_show_in_repr() -> None:
    settings = Settings(token_secret=STRONG)
    assert STRONG not in repr(settings)


def test_rate_limits_are_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """A conformance run raises them (README, "The W3C test suites"); nothing turns them off."""
    monkeypatch.delenv("NASSC_RATE_LIMIT_PER_MINUTE", raising=False)
    monkeypatch.delenv("NASSC_RATE_LIMIT_BURST", raising=False)
    settings = Settings(_env_file=None)
    assert (settings.rate_limit_per_minute, settings.rate_limit_burst) == (300, 60)
    with pytest.raises(ValidationError):
        Settings(_env_file=None, rate_limit_per_minute=0)
