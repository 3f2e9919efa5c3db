"""Which status changes apply to a credential in which state, and the error when one does not.

Revocation is permanent: a revoked credential is never suspended or reinstated. Only an
active credential is suspended and only a suspended one reinstated. The same rules hold for
our credentials and for credentials issued through the W3C VC API.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.credentials.models import CredentialStatus
from app.errors import AppError
from app.status.errors import (
    CredentialAlreadyRevoked,
    CredentialAlreadySuspended,
    CredentialNotSuspended,
    CredentialRevoked,
)
from app.status.schemas import StatusAction


@dataclass(frozen=True, slots=True)
class Transition:
    """The status an action leads to, and the error for each status it does not apply to."""

    target: CredentialStatus
    skip: dict[CredentialStatus, type[AppError]]


TRANSITIONS = {
    StatusAction.revoke: Transition(
        CredentialStatus.revoked, {CredentialStatus.revoked: CredentialAlreadyRevoked}
    ),
    StatusAction.suspend: Transition(
        CredentialStatus.suspended,
        {
            CredentialStatus.revoked: CredentialRevoked,
            CredentialStatus.suspended: CredentialAlreadySuspended,
        },
    ),
    StatusAction.reinstate: Transition(
        CredentialStatus.active,
        {
            CredentialStatus.revoked: CredentialRevoked,
            CredentialStatus.active: CredentialNotSuspended,
        },
    ),
}
SKIP_ERRORS = {
    error.slug: error for transition in TRANSITIONS.values() for error in transition.skip.values()
}
