"""Training providers: registration, accreditation, and their API clients."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.passwords import hash_secret
from app.providers.errors import (
    ApiClientNotFound,
    ProviderExists,
    ProviderNotAccredited,
    ProviderNotFound,
)
from app.providers.models import ApiClient, TrainingProvider
from app.providers.schemas import AccreditationStatus, ProviderRegister
from app.standards.enums import Country

CLIENT_ID_PREFIX = "nassc_"


@dataclass(frozen=True, slots=True)
class ProviderPage:
    """One page of providers and the total that matched."""

    items: list[TrainingProvider]
    total: int


def register_provider(session: Session, *, data: ProviderRegister) -> TrainingProvider:
    """Record a provider's registration; it starts `pending` until staff accredit it."""
    duplicate = session.scalar(
        select(TrainingProvider.id).where(
            TrainingProvider.country == data.country.value,
            func.lower(TrainingProvider.identifier) == data.identifier.lower(),
        )
    )
    if duplicate is not None:
        raise ProviderExists(f"{data.identifier} is already registered in {data.country.value}.")
    provider = TrainingProvider(
        name=data.name,
        country=data.country.value,
        region=data.region,
        identifier=data.identifier,
        contact_name=data.contact_name,
        contact_email=str(data.contact_email),
        accreditation_status=AccreditationStatus.pending.value,
    )
    session.add(provider)
    session.flush()
    return provider


def get_provider(session: Session, *, provider_id: int) -> TrainingProvider:
    """A provider by id (404 if none)."""
    provider = session.get(TrainingProvider, provider_id)
    if provider is None:
        raise ProviderNotFound(f"No training provider {provider_id}.")
    return provider


def require_accredited(session: Session, *, provider_id: int) -> TrainingProvider:
    """The provider, if it is accredited now (403 otherwise)."""
    provider = get_provider(session, provider_id=provider_id)
    if provider.accreditation_status != AccreditationStatus.accredited.value:
        raise ProviderNotAccredited(
            f"{provider.name} is {provider.accreditation_status}, not accredited."
        )
    return provider


def change_accreditation(
    session: Session, *, provider_id: int, status: AccreditationStatus, reason: str | None
) -> TrainingProvider:
    """Accredit, suspend or return a provider to pending, with the reason."""
    provider = get_provider(session, provider_id=provider_id)
    provider.accreditation_status = status.value
    provider.status_reason = reason
    session.flush()
    return provider


def list_providers(
    session: Session,
    *,
    status: AccreditationStatus | None = None,
    country: Country | None = None,
    offset: int = 0,
    limit: int = 20,
) -> ProviderPage:
    """Providers by name, optionally filtered."""
    query = select(TrainingProvider)
    if status is not None:
        query = query.where(TrainingProvider.accreditation_status == status.value)
    if country is not None:
        query = query.where(TrainingProvider.country == country.value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(TrainingProvider.name, TrainingProvider.id).offset(offset).limit(limit)
    )
    return ProviderPage(items=list(items), total=total)


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


def _client(session: Session, *, provider_id: int, client_id: str) -> ApiClient:
    client = session.scalar(
        select(ApiClient).where(
            ApiClient.client_id == client_id, ApiClient.provider_id == provider_id
        )
    )
    if client is None:
        raise ApiClientNotFound(f"Provider {provider_id} has no client {client_id}.")
    return client


def list_api_clients(session: Session, *, provider_id: int) -> list[ApiClient]:
    """A provider's API clients, oldest first."""
    get_provider(session, provider_id=provider_id)
    return list(
        session.scalars(
            select(ApiClient).where(ApiClient.provider_id == provider_id).order_by(ApiClient.id)
        )
    )


def rotate_api_client_secret(
    session: Session, *, provider_id: int, client_id: str
) -> tuple[ApiClient, str]:
    """Replace a client's secret; the old one stops working at once."""
    client = _client(session, provider_id=provider_id, client_id=client_id)
    secret = secrets.token_urlsafe(32)
    client.secret_hash = hash_secret(secret)
    session.flush()
    return client, secret


def revoke_api_client(
    session: Session, *, provider_id: int, client_id: str, now: datetime
) -> ApiClient:
    """Revoke a client; its tokens stop working on their next request."""
    client = _client(session, provider_id=provider_id, client_id=client_id)
    client.is_active = False
    client.revoked_at = now
    session.flush()
    return client
