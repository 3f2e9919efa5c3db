"""Errors of credential issuance."""

from __future__ import annotations

from app.errors import Conflict, NotFound, ValidationFailed


class CredentialNotFound(NotFound):
    slug = "credential-not-found"
    title = "No such credential"


class StandardNotPublished(Conflict):
    slug = "standard-not-published"
    title = "Credentials are issued only for published standards"


class CurriculumNotApproved(Conflict):
    slug = "curriculum-not-approved"
    title = "Credentials are issued only for approved curricula"


class CurriculumRequired(ValidationFailed):
    slug = "curriculum-required"
    title = "Providers issue credentials for one of their approved curricula"


class IdempotencyKeyReused(ValidationFailed):
    slug = "idempotency-key-reused"
    title = "This Idempotency-Key was used with a different request"


class InvalidIdempotencyKey(ValidationFailed):
    slug = "invalid-idempotency-key"
    title = "The Idempotency-Key header must be 1 to 200 visible characters"


class InvalidCursor(ValidationFailed):
    slug = "invalid-cursor"
    title = "The cursor is not one a page of this list gave"
