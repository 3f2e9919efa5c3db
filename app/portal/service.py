"""What the portal does beyond the domain services: signing in with an audited event, and
gathering one provider's dashboard figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.credentials import service as credentials_service
from app.credentials.models import Credential, CredentialBatch, CredentialStatus
from app.curricula.models import Curriculum, CurriculumStatus
from app.provider_users import service as provider_users_service
from app.provider_users.models import ProviderUser
from app.standards.models import Standard
from app.web.standing import Standing

CHANNEL = "portal"
"""Marks audit events of portal sign-ins apart from the console's and API token requests."""
RECENT_BATCHES = 5
EXPIRING_DAYS = 90
"""How far ahead the dashboard looks for credentials about to expire."""
EXPIRING_SHOWN = 10
STANDINGS = (
    Standing.active,
    Standing.expired,
    Standing.not_yet_valid,
    Standing.suspended,
    Standing.revoked,
)


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
class ExpiringCredential:
    """An active credential of the provider's that ends within `EXPIRING_DAYS`."""

    credential_id: str
    holder: str
    standard_code: str
    valid_until: datetime


@dataclass(frozen=True, slots=True)
class Dashboard:
    """One provider's figures on the portal's first page."""

    credentials: dict[str, int]
    """By standing today (the one vocabulary: an expired credential is not counted active)."""
    curricula: dict[str, int]
    recent_batches: list[CredentialBatch]
    expiring: list[ExpiringCredential]
    """The soonest `EXPIRING_SHOWN` of them."""
    expiring_total: int
    expiring_days: int = EXPIRING_DAYS


def dashboard(session: Session, *, provider_id: int, now: datetime) -> Dashboard:
    """Credentials by standing at `now`, curricula by review status, the latest batches and
    the credentials that expire in the next `EXPIRING_DAYS` days, of one provider."""
    own = Credential.provider_id == provider_id
    counts = session.execute(
        select(
            *(
                func.count().filter(credentials_service.standing_clause(standing, now=now))
                for standing in STANDINGS
            )
        ).where(own)
    ).one()
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
    ending = (
        own,
        Credential.status == CredentialStatus.active,
        Credential.valid_until >= now,
        Credential.valid_until < now + timedelta(days=EXPIRING_DAYS),
    )
    expiring = session.execute(
        select(Credential.id, Credential.subject_name, Standard.code, Credential.valid_until)
        .join(Standard, Credential.standard_id == Standard.id)
        .where(*ending)
        .order_by(Credential.valid_until, Credential.id)
        .limit(EXPIRING_SHOWN)
    )
    return Dashboard(
        credentials={
            standing.value: int(count) for standing, count in zip(STANDINGS, counts, strict=True)
        },
        curricula={status.value: curricula.get(status.value, 0) for status in CurriculumStatus},
        recent_batches=list(batches),
        expiring=[
            ExpiringCredential(
                credential_id=row.id,
                holder=row.subject_name,
                standard_code=row.code,
                valid_until=row.valid_until or now,
            )
            for row in expiring
        ],
        expiring_total=session.scalar(select(func.count()).select_from(Credential).where(*ending))
        or 0,
    )
