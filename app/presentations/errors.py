"""Errors of presentation requests (problem+json for the API and pages; the wallet-facing
response endpoint answers OpenID4VP's own JSON errors, `app.wallet.errors.OAuthError`)."""

from __future__ import annotations

from app.errors import NotFound, ValidationFailed


class PresentationRequestNotFound(NotFound):
    slug = "presentation-request-not-found"
    title = "No such presentation request (or its result has expired)"


class InvalidPresentationRequest(ValidationFailed):
    slug = "invalid-presentation-request"
    title = "The presentation request cannot be made as asked"
