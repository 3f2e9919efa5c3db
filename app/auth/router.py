"""`POST /api/v1/auth/token`: the OAuth2 token endpoint."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Form, Header
from sqlalchemy.orm import Session, sessionmaker

from app.audit import service as audit_service
from app.audit.dependencies import SessionmakerDep
from app.auth import service
from app.auth.dependencies import SettingsDep
from app.auth.schemas import TokenResponse
from app.auth.tokens import issue_access_token
from app.db import SessionDep, utcnow
from app.errors import BadRequest
from app.routing import ProblemRoute

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], route_class=ProblemRoute)


class UnsupportedGrant(BadRequest):
    slug = "unsupported-grant-type"
    title = "Unsupported grant type"


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (unquote(client_id), unquote(secret)) if sep else None


def _record_failed_login(
    sessions: sessionmaker[Session],
    target: tuple[str, dict[str, str]],
    error: service.InvalidGrant,
    *,
    now: datetime,
) -> None:
    # The request's transaction rolls back with the 401, and would take the event with it;
    # the failed attempt is therefore committed in a transaction of its own. This request
    # has only read so far, so it holds no lock the separate transaction could wait for.
    entry = audit_service.AuditEntry(
        actor=None,
        action="auth.login-failed",
        target_type=target[0],
        target_id=None,
        after={**target[1], "reason": error.detail or error.title},
    )
    audit_service.record_detached(sessions, entry, now=now)


@router.post("/token", response_model=TokenResponse)
def issue_token(
    session: SessionDep,
    settings: SettingsDep,
    sessions: SessionmakerDep,
    grant_type: Annotated[str, Form()],
    username: Annotated[str | None, Form(max_length=64)] = None,
    password: Annotated[str | None, Form(max_length=1024)] = None,
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=1024)] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> TokenResponse:
    """Exchange staff credentials (`password`) or provider client credentials
    (`client_credentials`, in the form or by HTTP Basic) for a short-lived access token."""
    now = utcnow()
    if grant_type == "password":
        if not username or not password:
            raise BadRequest("The password grant needs username and password.")
        target = ("staff_user", {"grant_type": grant_type, "username": username})
        try:
            principal = service.authenticate_password(session, username=username, password=password)
        except service.InvalidGrant as error:
            _record_failed_login(sessions, target, error, now=now)
            raise
    elif grant_type == "client_credentials":
        basic = _basic_credentials(authorization)
        if basic:
            client_id, client_secret = basic
        if not client_id or not client_secret:
            raise BadRequest("The client_credentials grant needs client_id and client_secret.")
        target = ("api_client", {"grant_type": grant_type, "client_id": client_id})
        try:
            principal = service.authenticate_client(
                session, client_id=client_id, client_secret=client_secret
            )
        except service.InvalidGrant as error:
            _record_failed_login(sessions, target, error, now=now)
            raise
    else:
        raise UnsupportedGrant(
            "Use grant_type password or client_credentials.", error="unsupported_grant_type"
        )
    audit_service.record(
        session,
        actor=principal,
        action="auth.login",
        target_type=target[0],
        target_id=str(principal.user_id) if principal.user_id is not None else client_id,
        after={"grant_type": grant_type},
        now=now,
    )
    issued = issue_access_token(
        principal,
        secret=settings.token_secret.get_secret_value(),
        issuer=settings.public_base_url,
        now=now,
        ttl_seconds=settings.access_token_ttl_seconds,
    )
    return TokenResponse(
        access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope
    )
