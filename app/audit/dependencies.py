"""Who may read the audit log, and the session factory for events outside the request's
transaction."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from app.auth.dependencies import require_roles
from app.auth.roles import Principal, Role

# Least privilege: the roles whose scopes include `audit:read`. Registrars change the
# registry and issue credentials; they do not review the record of those changes.
AuditReader = Annotated[Principal, Depends(require_roles(Role.admin, Role.auditor))]


def get_sessionmaker(request: Request) -> sessionmaker[Session]:
    """The app's session factory, for a transaction separate from the request's."""
    sessions: sessionmaker[Session] = request.app.state.sessionmaker
    return sessions


SessionmakerDep = Annotated[sessionmaker[Session], Depends(get_sessionmaker)]
