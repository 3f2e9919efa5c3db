"""Reading issued credentials: one by id, listings for staff and providers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.auth.roles import Principal, Role
from app.credentials.errors import CredentialNotFound
from app.credentials.models import Credential
from app.providers.models import TrainingProvider
from app.standards.models import Standard


@dataclass(frozen=True, slots=True)
class CredentialPage:
    """One page of credentials and the total that matched."""

    items: list[Credential]
    total: int


def get_credential(
    session: Session, *, credential_id: str, principal: Principal | None = None
) -> Credential:
    """A credential; a provider sees only the ones it issued (404 otherwise)."""
    credential = session.get(Credential, credential_id.removeprefix("urn:uuid:"))
    if credential is None or (
        principal is not None
        and principal.role is Role.provider
        and credential.provider_id != principal.provider_id
    ):
        raise CredentialNotFound(f"No credential {credential_id}.")
    return credential


def list_credentials(
    session: Session,
    *,
    provider_id: int | None = None,
    standard_code: str | None = None,
    status: str | None = None,
    issued_from: datetime | None = None,
    issued_to: datetime | None = None,
    holder: str | None = None,
    batch_id: str | None = None,
    offset: int = 0,
    limit: int = 20,
) -> CredentialPage:
    """Credentials, newest first, filtered (`holder`: part of the holder's name, any case)."""
    query = select(Credential)
    if holder is not None:
        query = query.where(
            func.lower(Credential.subject_name).contains(holder.lower(), autoescape=True)
        )
    if batch_id is not None:
        query = query.where(Credential.batch_id == batch_id)
    if provider_id is not None:
        query = query.where(Credential.provider_id == provider_id)
    if standard_code is not None:
        query = query.join(Standard).where(Standard.code == standard_code)
    if status is not None:
        query = query.where(Credential.status == status)
    if issued_from is not None:
        query = query.where(Credential.issued_at >= issued_from)
    if issued_to is not None:
        query = query.where(Credential.issued_at < issued_to)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.options(joinedload(Credential.standard))
        .order_by(Credential.issued_at.desc(), Credential.id)
        .offset(offset)
        .limit(limit)
    )
    return CredentialPage(items=list(items), total=total)


def issuing_countries(session: Session, *, credential_ids: Iterable[str]) -> dict[str, str | None]:
    """The issuing provider's country of each credential among `credential_ids` that exists."""
    return {
        credential_id: country
        for credential_id, country in session.execute(
            select(Credential.id, TrainingProvider.country)
            .join(TrainingProvider, Credential.provider_id == TrainingProvider.id)
            .where(Credential.id.in_(list(credential_ids)))
        )
    }
