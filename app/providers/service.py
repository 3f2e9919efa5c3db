"""Training providers and their API clients."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from app.auth.passwords import hash_secret
from app.providers.models import ApiClient, TrainingProvider

CLIENT_ID_PREFIX = "nassc_"


def create_api_client(
    session: Session, *, provider: TrainingProvider, name: str
) -> tuple[ApiClient, str]:
    """A new client for `provider`; returns it with its secret, which is shown only once."""
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        client_id=CLIENT_ID_PREFIX + secrets.token_hex(12),
        secret_hash=hash_secret(secret),
        provider_id=provider.id,
        name=name,
    )
    session.add(client)
    session.flush()
    return client, secret
