"""Who may read the audit log, the session factory for events outside the request's
transaction, and the checkpoint signer the composition root hands in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from app.audit.checkpoints import CheckpointSigner
from app.auth.dependencies import require_roles
from app.auth.roles import Principal, Role
from app.db import SessionDep

# Least privilege: the roles whose scopes include `audit:read`. Registrars change the
# registry and issue credentials; they do not review the record of those changes.
AuditReader = Annotated[Principal, Depends(require_roles(Role.admin, Role.auditor))]


def get_sessionmaker(request: Request) -> sessionmaker[Session]:
    """The app's session factory, for a transaction separate from the request's."""
    sessions: sessionmaker[Session] = request.app.state.sessionmaker
    return sessions


SessionmakerDep = Annotated[sessionmaker[Session], Depends(get_sessionmaker)]


def get_checkpoint_signer(request: Request, session: SessionDep) -> CheckpointSigner:
    """The signer of checkpoints (the issuer's key active now), made by the factory
    `create_app` keeps in `app.state.checkpoint_signer`: audit never imports issuance."""
    make: Callable[[Session], CheckpointSigner] = request.app.state.checkpoint_signer
    return make(session)


CheckpointSignerDep = Annotated[CheckpointSigner, Depends(get_checkpoint_signer)]
