"""Service settings: one pydantic-settings class read from `NASSC_*` environment variables."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_PLACEHOLDER = "dev-only-change-me"
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Everything the service reads from its environment; secrets are `SecretStr`."""

    model_config = SettingsConfigDict(env_prefix="NASSC_", env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'nassc.db'}"
    public_base_url: str = "http://127.0.0.1:8000"

    key_passphrase: SecretStr = SecretStr(DEV_PLACEHOLDER)
    token_secret: SecretStr = SecretStr(DEV_PLACEHOLDER)
    access_token_ttl_seconds: int = Field(default=900, ge=60, le=86_400)

    rate_limit_per_minute: int = Field(default=300, ge=1)
    rate_limit_burst: int = Field(default=60, ge=1)
    trust_forwarded_for: bool = False
    trusted_proxy_hops: int = Field(
        default=1,
        ge=1,
        le=16,
        description="Proxies in front of the service that append to X-Forwarded-For",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description=(
            "Addresses or networks of those proxies (JSON list); when set, X-Forwarded-For "
            "is read only on connections from them, and their own entries are skipped"
        ),
    )
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    max_upload_bytes: int = Field(default=16_777_216, ge=1024)

    batch_lease_seconds: int = Field(default=30, ge=1, le=3600)
    batch_reclaim_seconds: int = Field(
        default=30,
        ge=0,
        le=3600,
        description=(
            "Look for batches whose runner died (lease expired) this often, besides at "
            "startup; 0 = only at startup"
        ),
    )
    batch_chunk_size: int = Field(default=100, ge=1, le=1000)
    signing_processes: int = Field(default=0, ge=0, le=64, description="0 = one per CPU core")
    verification_processes: int | None = Field(
        default=None,
        ge=0,
        le=64,
        description=(
            "Worker processes that check Data Integrity proofs; unset = one per CPU core "
            "(none on a single core; `nassc serve --workers N` divides the cores by N), "
            "0 = check them in the server process"
        ),
    )
    issuing_lanes: int = Field(
        default=4,
        ge=1,
        le=256,
        description=(
            "Single issuances (API and VC API) a server process works on at once; more wait "
            "their turn without holding a worker thread"
        ),
    )
    verification_event_buffer_seconds: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="Write verification events in batches this often; 0 = with each request",
    )
    audit_checkpoint_seconds: int = Field(
        default=3600,
        ge=0,
        le=7 * 24 * 3600,
        description="Sign a checkpoint of the audit chain head this often if it moved; 0 = off",
    )
    presentation_request_seconds: int = Field(
        default=600,
        ge=60,
        le=3600,
        description="How long a wallet may answer an employer's presentation request (OpenID4VP)",
    )
    presentation_result_seconds: int = Field(
        default=600,
        ge=60,
        le=86_400,
        description=(
            "How long the disclosed claims of an answered presentation request are kept for "
            "the employer to read; then they are deleted"
        ),
    )
    presentation_requests_per_minute: int = Field(
        default=10,
        ge=1,
        description="Presentation requests one address may create per minute on the public page",
    )
    fetch_trusted_status_lists: bool = Field(
        default=True,
        description="Fetch status lists of trusted issuers from their own did:web host (https)",
    )
    resolve_did_web: bool = Field(
        default=True,
        description=(
            "W3C VC API verification: fetch the DID document of a did:web issuer outside the "
            "trust registry over https (same protections as status lists); false: only did:key"
        ),
    )

    outbound_allow_private: bool = Field(
        default=False,
        description=(
            "Let outbound fetches (trusted issuers' status lists) reach private, loopback and "
            "link-local addresses: for closed networks and tests only"
        ),
    )

    smtp_host: str | None = Field(
        default=None, description="Mail server for invitations and claim links; unset = no mail"
    )
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = Field(
        default=True, description="Upgrade the connection with STARTTLS before anything is sent"
    )
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = Field(
        default=None, description="The From address of every mail (required with NASSC_SMTP_HOST)"
    )
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    smtp_ca_file: Path | None = Field(
        default=None,
        description="Trust this CA bundle for the mail server's certificate (else the system's)",
    )
    mail_retry_seconds: int = Field(
        default=60,
        ge=0,
        le=3600,
        description="Look for mail due for (another) delivery attempt this often; 0 = never",
    )

    keys_dir: Path = PROJECT_ROOT / "keys"
    curricula_dir: Path = PROJECT_ROOT / "curricula"
    contexts_dir: Path = PROJECT_ROOT / "credentials" / "contexts"
    migrations_dir: Path = PROJECT_ROOT / "migrations"
    log_level: str = "INFO"
    # Bearer token for GET /metrics; unset, only direct loopback requests are answered.
    metrics_token: SecretStr | None = None

    @field_validator("public_base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL")
        return value.rstrip("/")

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: list[str]) -> list[str]:
        for proxy in value:
            ipaddress.ip_network(proxy, strict=False)  # ValueError names the bad entry
        return value

    @model_validator(mode="after")
    def _smtp_needs_a_sender(self) -> Settings:
        if self.smtp_host and not self.smtp_from:
            raise ValueError("NASSC_SMTP_FROM must be set when NASSC_SMTP_HOST is")
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secrets_in_production(self) -> Settings:
        if self.environment != "production":
            return self
        for name in ("key_passphrase", "token_secret"):
            secret: SecretStr = getattr(self, name)
            value = secret.get_secret_value()
            if not value or DEV_PLACEHOLDER in value or len(value) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"NASSC_{name.upper()} must be set to a secret of at least "
                    f"{MIN_SECRET_LENGTH} characters in production"
                )
        if not self.public_base_url.startswith("https://"):
            raise ValueError("NASSC_PUBLIC_BASE_URL must be https in production")
        if self.smtp_host and not self.smtp_starttls:
            raise ValueError("NASSC_SMTP_STARTTLS must be true in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        """Whether the configured database is the embedded SQLite default."""
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
