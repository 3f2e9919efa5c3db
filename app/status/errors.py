"""Errors of status lists and credential status changes."""

from __future__ import annotations

from app.errors import Conflict, NotFound, ValidationFailed


class StatusListNotFound(NotFound):
    slug = "status-list-not-found"
    title = "No such status list"


class CredentialAlreadyRevoked(Conflict):
    slug = "credential-already-revoked"
    title = "The credential is already revoked"


class CredentialRevoked(Conflict):
    slug = "credential-revoked"
    title = "A revoked credential cannot be suspended or reinstated"


class CredentialAlreadySuspended(Conflict):
    slug = "credential-already-suspended"
    title = "The credential is already suspended"


class CredentialNotSuspended(Conflict):
    slug = "credential-not-suspended"
    title = "Only a suspended credential can be reinstated"


class ConcurrentStatusChange(Conflict):
    slug = "concurrent-status-change"
    title = "Another request changed these credentials at the same time; retry"


class TooManyCredentials(ValidationFailed):
    slug = "too-many-credentials"
    title = "Too many credentials for one status change"


class ReasonRequired(ValidationFailed):
    """Revoking or suspending without a reason (the problem type of any invalid field)."""

    title = "A reason is required to revoke or suspend a credential"
