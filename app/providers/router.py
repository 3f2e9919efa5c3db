"""Provider registration (public), the provider's own record, and staff administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.auth.dependencies import ProviderClient, StaffReader, StaffWriter
from app.db import SessionDep, utcnow
from app.fields import Country, DbId
from app.providers import service
from app.providers.models import ApiClient, TrainingProvider
from app.providers.schemas import (
    AccreditationChange,
    AccreditationStatus,
    ApiClientCreate,
    ApiClientRead,
    ApiClientSecret,
    ProviderPage,
    ProviderRead,
    ProviderRegister,
)
from app.routing import ProblemRoute

public_router = APIRouter(tags=["providers"], route_class=ProblemRoute)
admin_router = APIRouter(
    prefix="/api/v1/admin/providers", tags=["providers admin"], route_class=ProblemRoute
)


def _secret(client: ApiClient, secret: str) -> ApiClientSecret:
    return ApiClientSecret(
        **ApiClientRead.model_validate(client).model_dump(), client_secret=secret
    )


@public_router.post(
    "/api/v1/providers", response_model=ProviderRead, status_code=status.HTTP_201_CREATED
)
def register_provider(body: ProviderRegister, session: SessionDep) -> TrainingProvider:
    """Register a training provider; it is `pending` until Division staff accredit it."""
    return service.register_provider(session, data=body, now=utcnow())


@public_router.get("/api/v1/provider/me", response_model=ProviderRead)
def read_own_provider(session: SessionDep, principal: ProviderClient) -> TrainingProvider:
    """The calling provider's own record."""
    return service.get_provider(session, provider_id=principal.require_provider_id())


@admin_router.get("", response_model=ProviderPage)
def list_providers(
    session: SessionDep,
    _staff: StaffReader,
    status_: Annotated[AccreditationStatus | None, Query(alias="status")] = None,
    country: Country | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ProviderPage:
    """Providers, filtered by accreditation status and country."""
    result = service.list_providers(
        session, status=status_, country=country, offset=(page - 1) * per_page, limit=per_page
    )
    return ProviderPage(
        items=[ProviderRead.model_validate(p) for p in result.items],
        page=page,
        per_page=per_page,
        total=result.total,
    )


@admin_router.get("/{provider_id}", response_model=ProviderRead)
def read_provider(provider_id: DbId, session: SessionDep, _staff: StaffReader) -> TrainingProvider:
    """One provider."""
    return service.get_provider(session, provider_id=provider_id)


@admin_router.post("/{provider_id}/accreditation", response_model=ProviderRead)
def change_accreditation(
    provider_id: DbId, body: AccreditationChange, session: SessionDep, staff: StaffWriter
) -> TrainingProvider:
    """Accredit, suspend or reset a provider, with a reason."""
    return service.change_accreditation(
        session,
        provider_id=provider_id,
        status=body.status,
        reason=body.reason,
        actor=staff,
        now=utcnow(),
    )


@admin_router.get("/{provider_id}/clients", response_model=list[ApiClientRead])
def list_clients(provider_id: DbId, session: SessionDep, _staff: StaffReader) -> list[ApiClient]:
    """A provider's API clients (never their secrets)."""
    return service.list_api_clients(session, provider_id=provider_id)


@admin_router.post(
    "/{provider_id}/clients", response_model=ApiClientSecret, status_code=status.HTTP_201_CREATED
)
def create_client(
    provider_id: DbId, body: ApiClientCreate, session: SessionDep, staff: StaffWriter
) -> ApiClientSecret:
    """Create OAuth client credentials for a provider; the secret is shown only now."""
    provider = service.get_provider(session, provider_id=provider_id)
    client, secret = service.create_api_client(
        session, provider=provider, name=body.name, actor=staff, now=utcnow()
    )
    return _secret(client, secret)


@admin_router.post("/{provider_id}/clients/{client_id}/rotate", response_model=ApiClientSecret)
def rotate_client_secret(
    provider_id: DbId, client_id: str, session: SessionDep, staff: StaffWriter
) -> ApiClientSecret:
    """Replace a client's secret; the new one is shown only now."""
    client, secret = service.rotate_api_client_secret(
        session, provider_id=provider_id, client_id=client_id, actor=staff, now=utcnow()
    )
    return _secret(client, secret)


@admin_router.post("/{provider_id}/clients/{client_id}/revoke", response_model=ApiClientRead)
def revoke_client(
    provider_id: DbId, client_id: str, session: SessionDep, staff: StaffWriter
) -> ApiClient:
    """Revoke a client; its tokens stop working on the next request."""
    return service.revoke_api_client(
        session, provider_id=provider_id, client_id=client_id, now=utcnow(), actor=staff
    )
