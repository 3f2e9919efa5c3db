"""What the portal does beyond the domain services: signing in with an audited event, and
gathering one provider's dashboard figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.credentials.models import Credential, CredentialBatch, CredentialStatus
from app.curricula.models import Curriculum, CurriculumStatus
from app.provider_users import service as provider_users_service
from app.provider_users.models import ProviderUser

CHANNEL = "portal"
"""Marks audit events of portal sign-ins apart from the console's and API token requests."""
RECENT_BATCHES = 5


def sign_in(session: Session, *, email: str, password: str, now: datetime) -> ProviderUser:
    """The provider user with this email address and password, audited as `auth.login`;
    raises `auth_service.InvalidGrant` (the caller audits the failure in a transaction of
    its own, as the console does)."""
    user = provider_users_service.authenticate(session, email=email, password=password)
    audit_service.record(
        session,
        actor=provider_users_service.principal_of(user),
        action="auth.login",
        target_type="provider_user",
        target_id=str(user.id),
        after={"grant_type": "password", "channel": CHANNEL},
        now=now,
    )
    return user


def failed_sign_in_target(email: str) -> tuple[str, dict[str, str]]:
    """The target of an `auth.login-failed` event for a portal sign-in attempt."""
    return "provider_user", {"grant_type": "password", "email": email, "channel": CHANNEL}


def throttle_account(email: str) -> str:
    """The throttle's key for a portal account (apart from staff usernames)."""
    return f"portal:{provider_users_service.normalize_email(email)}"


@dataclass(frozen=True, slots=True)
class Dashboard:
    """One provider's figures on the portal's first page."""

    credentials: dict[str, int]
    curricula: dict[str, int]
    recent_batches: list[CredentialBatch]


def dashboard(session: Session, *, provider_id: int) -> Dashboard:
    """Credentials by status, curricula by review status and the latest batches of one provider."""
    by_status: dict[str, int] = {
        status: count
        for status, count in session.execute(
            select(Credential.status, func.count())
            .where(Credential.provider_id == provider_id)
            .group_by(Credential.status)
        )
    }
    curricula: dict[str, int] = {
        status: count
        for status, count in session.execute(
            select(Curriculum.status, func.count())
            .where(Curriculum.provider_id == provider_id)
            .group_by(Curriculum.status)
        )
    }
    batches = session.scalars(
        select(CredentialBatch)
        .where(CredentialBatch.provider_id == provider_id)
        .order_by(CredentialBatch.created_at.desc())
        .limit(RECENT_BATCHES)
    )
    return Dashboard(
        credentials={status.value: by_status.get(status.value, 0) for status in CredentialStatus},
        curricula={status.value: curricula.get(status.value, 0) for status in CurriculumStatus},
        recent_batches=list(batches),
    )
