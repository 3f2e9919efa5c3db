"""Authenticating staff users and provider clients, re-checking them on every request, and
ending console sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.auth.models import EndedSession
from app.auth.passwords import verify_secret
from app.auth.roles import Principal, Role
from app.errors import Unauthorized
from app.providers.models import ApiClient
from app.users.models import StaffUser

USER_PREFIX = "user:"
CLIENT_PREFIX = "client:"


class InvalidGrant(Unauthorized):
    slug = "invalid-grant"
    title = "The credentials were not accepted"


def _user_principal(user: StaffUser) -> Principal:
    return Principal(
        subject=f"{USER_PREFIX}{user.id}",
        role=Role(user.role),
        name=user.username,
        user_id=user.id,
    )


def _client_principal(client: ApiClient) -> Principal:
    return Principal(
        subject=f"{CLIENT_PREFIX}{client.client_id}",
        role=Role.provider,
        name=client.name,
        provider_id=client.provider_id,
    )


def authenticate_password(session: Session, *, username: str, password: str) -> Principal:
    """The staff principal for a username and password (`password` grant)."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if not verify_secret(user.password_hash if user else None, password) or user is None:
        raise InvalidGrant("Unknown username or wrong password.", error="invalid_grant")
    if not user.is_active:
        raise InvalidGrant("This account is disabled.", error="invalid_grant")
    return _user_principal(user)


def authenticate_client(session: Session, *, client_id: str, client_secret: str) -> Principal:
    """The provider principal for client credentials (`client_credentials` grant)."""
    client = session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    if not verify_secret(client.secret_hash if client else None, client_secret) or client is None:
        raise InvalidGrant("Unknown client or wrong secret.", error="invalid_client")
    if not client.is_active:
        raise InvalidGrant("This client has been revoked.", error="invalid_client")
    return _client_principal(client)


def load_principal(
    session: Session, *, subject: str, role: Role, issued_at: int | None = None
) -> Principal | None:
    """The principal a token names, if it still exists, is active, and has that role.

    With `issued_at` (the token's `iat`), a staff user's token issued before their account
    last changed (password reset, role change, re-enabling), and a client's token issued
    before its secret was last rotated, are refused too. `iat` has whole
    seconds, so a token issued in the second of the change still works: that keeps a
    sign-in right after the account is created working, at the cost of one second's grace.
    """
    if subject.startswith(USER_PREFIX):
        user_id = subject.removeprefix(USER_PREFIX)
        user = session.get(StaffUser, int(user_id)) if user_id.isdigit() else None
        if user is None or not user.is_active or user.role != role.value:
            return None
        if issued_at is not None and issued_at < int(user.updated_at.timestamp()):
            return None
        return _user_principal(user)
    if subject.startswith(CLIENT_PREFIX) and role is Role.provider:
        client_id = subject.removeprefix(CLIENT_PREFIX)
        client = session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
        if client is None or not client.is_active:
            return None
        if issued_at is not None and issued_at < int(client.secret_issued_at.timestamp()):
            return None
        return _client_principal(client)
    return None


def end_session(session: Session, *, sid: str, expires_at: datetime, now: datetime) -> None:
    """Record that the console session `sid` was signed out (its cookie no longer works),
    and forget sessions that have expired anyway."""
    session.execute(delete(EndedSession).where(EndedSession.expires_at < now))
    if session.get(EndedSession, sid) is None:
        session.add(EndedSession(sid=sid, ended_at=now, expires_at=expires_at))
    session.flush()


def session_ended(session: Session, *, sid: str) -> bool:
    """Whether the console session `sid` was signed out."""
    return session.get(EndedSession, sid) is not None
