"""Errors of verification requests and of the trust registry.

Only unusable input is an error: a credential that does not verify is an answer (200).
"""

from __future__ import annotations

from app.errors import BadRequest, Conflict, NotFound, UnsupportedMediaType, ValidationFailed


class UnverifiableInput(BadRequest):
    slug = "unverifiable-input"
    title = "The input is not a credential or presentation this service can read"


class UnsupportedCredentialMediaType(UnsupportedMediaType):
    slug = "unsupported-media-type"
    title = "Unsupported content type"


class PresentationTooLarge(ValidationFailed):
    slug = "presentation-too-large"
    title = "The presentation holds more credentials than are verified at once"


class DocumentTooLarge(ValidationFailed):
    slug = "document-too-large"
    title = "The credential or presentation is larger than is verified"


class TrustedIssuerNotFound(NotFound):
    slug = "trusted-issuer-not-found"
    title = "No such trusted issuer"


class TrustedIssuerExists(Conflict):
    slug = "trusted-issuer-exists"
    title = "This DID is already in the trust registry"


class OwnIssuerImplicit(Conflict):
    slug = "own-issuer-implicit"
    title = "This service's own DID is always trusted and is not added by hand"


class InvalidDidDocument(ValidationFailed):
    slug = "invalid-did-document"
    title = "The DID document cannot be pinned"
