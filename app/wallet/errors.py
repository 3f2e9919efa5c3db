"""Errors of the OAuth 2.0 and OpenID4VCI endpoints, in their own JSON form.

Those endpoints answer `{"error": ..., "error_description": ...}` with the codes the specs
name (RFC 6749 §5.2, RFC 6750 §3.1, RFC 9449 §7, OpenID4VCI §8.3.1.2), not problem details:
wallets read the `error` member. A 401 carries the challenge of its scheme (`Bearer`, or
`DPoP` with the algorithms we accept).
"""

from __future__ import annotations

from fastapi.responses import JSONResponse

from app.errors import Conflict, ValidationFailed
from app.wallet.metadata import DPOP_ALGORITHMS


class OAuthError(Exception):
    """One of the spec's errors; `commit` keeps the request's writes (a counted wrong PIN);
    `scheme` is the authentication scheme a 401 challenges (`Bearer` or `DPoP`)."""

    def __init__(
        self,
        error: str,
        description: str,
        *,
        status: int = 400,
        commit: bool = False,
        scheme: str = "Bearer",
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.commit = commit
        self.scheme = scheme

    def response(self) -> JSONResponse:
        """The error as its endpoint answers it (never cached)."""
        headers = {"Cache-Control": "no-store"}
        if self.status == 401 and self.scheme == "DPoP":
            algorithms = " ".join(DPOP_ALGORITHMS)
            headers["WWW-Authenticate"] = f'DPoP error="{self.error}", algs="{algorithms}"'
        elif self.status == 401:
            headers["WWW-Authenticate"] = f'Bearer error="{self.error}"'
        return JSONResponse(
            {"error": self.error, "error_description": self.description},
            status_code=self.status,
            headers=headers,
        )


class CredentialNotOfferable(Conflict):
    """A credential that is revoked, suspended, expired or not yet valid is not offered."""

    slug = "credential-not-offerable"
    title = "Only a credential valid now can be offered to a wallet"


class InvalidHolderKey(ValidationFailed):
    slug = "invalid-holder-key"
    title = "The holder's key is not a public Ed25519 or P-256 JWK"


class UnsupportedAlgorithm(ValidationFailed):
    slug = "unsupported-algorithm"
    title = "The issuer signs wallet credentials with EdDSA or ES256 only"


class CredentialNotIssuable(Conflict):
    slug = "credential-not-issuable"
    title = "A revoked credential is not issued to a wallet"
