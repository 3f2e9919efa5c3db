"""Errors of the standards registry."""

from __future__ import annotations

from app.errors import Conflict, NotFound, ValidationFailed


class StandardNotFound(NotFound):
    slug = "standard-not-found"
    title = "No such standard"


class StandardExists(Conflict):
    slug = "standard-exists"
    title = "That standard version already exists"


class StandardImmutable(Conflict):
    slug = "standard-immutable"
    title = "Published and retired standard versions cannot change"


class StandardNotPublishable(ValidationFailed):
    slug = "standard-not-publishable"
    title = "The standard is not complete enough to publish"


class StandardIdentityMismatch(ValidationFailed):
    slug = "standard-identity-mismatch"
    title = "The body names a different standard version than the URL"


class CaseNodeNotFound(NotFound):
    slug = "case-node-not-found"
    title = "No such CASE node"
