"""Training providers: registration, accreditation, and their API clients.

Every change is an audit event written in the same transaction: `provider.*` (target
`provider` / id) and `api-client.*` (target `api_client` / client id). Registration is a
public form, so it is recorded as anonymous; the other changes, made without a principal
(command line, scripts), as `system`. Contact emails and client secrets never reach the log.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.audit.summary import pick
from app.auth.passwords import hash_secret
from app.auth.roles import Principal
from app.db import utcnow
from app.fields import Country
from app.providers.errors import (
    ApiClientNotFound,
    ProviderExists,
    ProviderNotAccredited,
    ProviderNotFound,
)
from app.providers.models import ApiClient, TrainingProvider
from app.providers.schemas import AccreditationStatus, ProviderRegister

CLIENT_ID_PREFIX = "nassc_"
PROVIDER = "provider"
API_CLIENT = "api_client"


@dataclass(frozen=True, slots=True)
class ProviderPage:
    """One page of providers and the total that matched."""

    items: list[TrainingProvider]
    total: int


def register_provider(
    session: Session,
    *,
    data: ProviderRegister,
    actor: Principal | None = None,
    now: datetime | None = None,
) -> TrainingProvider:
    """Record a provider's registration; it starts `pending` until staff accredit it.

    Audited as `provider.register` by `actor`, or anonymous (the public form).
    """
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
    audit_service.record_change(
        session,
        actor=actor,
        action="provider.register",
        target=(PROVIDER, str(provider.id)),
        after=pick(provider, "name", "country", "identifier", "accreditation_status"),
        now=now or utcnow(),
        anonymous=True,
    )
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
    session: Session,
    *,
    provider_id: int,
    status: AccreditationStatus,
    reason: str | None,
    actor: Principal | None = None,
    now: datetime | None = None,
) -> TrainingProvider:
    """Accredit, suspend or return a provider to pending, with the reason (audited as
    `provider.accreditation`)."""
    provider = get_provider(session, provider_id=provider_id)
    before = pick(provider, "accreditation_status")
    provider.accreditation_status = status.value
    provider.status_reason = reason
    session.flush()
    audit_service.record_change(
        session,
        actor=actor,
        action="provider.accreditation",
        target=(PROVIDER, str(provider.id)),
        before=before,
        after={"accreditation_status": provider.accreditation_status, "reason": reason},
        now=now or utcnow(),
    )
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
    session: Session,
    *,
    provider: TrainingProvider,
    name: str,
    actor: Principal | None = None,
    now: datetime | None = None,
) -> tuple[ApiClient, str]:
    """A new client for `provider`; returns it with its secret, which is shown only once.

    Audited as `api-client.create` (without the secret).
    """
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        client_id=CLIENT_ID_PREFIX + secrets.token_hex(12),
        secret_hash=hash_secret(secret),
        secret_issued_at=now,
        provider_id=provider.id,
        name=name,
    )
    session.add(client)
    session.flush()
    audit_service.record_change(
        session,
        actor=actor,
        action="api-client.create",
        target=(API_CLIENT, client.client_id),
        after=pick(client, "provider_id", "name"),
        now=now,
    )
    return client, secret


def get_api_client(session: Session, *, provider_id: int, client_id: str) -> ApiClient:
    """One of the provider's API clients (`ApiClientNotFound`, a 404, if the provider has
    no client of that id, even when another provider has)."""
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
    session: Session,
    *,
    provider_id: int,
    client_id: str,
    actor: Principal | None = None,
    now: datetime | None = None,
) -> tuple[ApiClient, str]:
    """Replace a client's secret; the old one, and every access token issued before now,
    stop working at once (audited as `api-client.rotate-secret`, without either secret)."""
    now = now or utcnow()
    client = get_api_client(session, provider_id=provider_id, client_id=client_id)
    secret = secrets.token_urlsafe(32)
    client.secret_hash = hash_secret(secret)
    client.secret_issued_at = now
    session.flush()
    audit_service.record_change(
        session,
        actor=actor,
        action="api-client.rotate-secret",
        target=(API_CLIENT, client.client_id),
        after=pick(client, "provider_id"),
        now=now,
    )
    return client, secret


def revoke_api_client(
    session: Session,
    *,
    provider_id: int,
    client_id: str,
    now: datetime,
    actor: Principal | None = None,
) -> ApiClient:
    """Revoke a client (audited as `api-client.revoke`); its tokens stop working on their
    next request."""
    client = get_api_client(session, provider_id=provider_id, client_id=client_id)
    before = pick(client, "is_active")
    client.is_active = False
    client.revoked_at = now
    session.flush()
    audit_service.record_change(
        session,
        actor=actor,
        action="api-client.revoke",
        target=(API_CLIENT, client.client_id),
        before=before,
        after=pick(client, "is_active"),
        now=now,
    )
    return client
