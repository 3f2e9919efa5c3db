"""Credential responses and the public links of a credential."""

from __future__ import annotations

from app.credentials.models import Credential
from app.credentials.schemas import CredentialIssued, CredentialSummary
from app.links import claim_url, verify_url


def issued(credential: Credential, *, base_url: str, claim_token: str | None) -> CredentialIssued:
    """The issuance response: both documents and the links."""
    return CredentialIssued(
        id=credential.id,
        status=credential.status,
        standard_code=credential.standard.code,
        standard_version=credential.standard.version,
        issued_at=credential.issued_at,
        valid_from=credential.valid_from,
        valid_until=credential.valid_until,
        verify_url=verify_url(base_url, credential.id),
        claim_url=claim_url(base_url, claim_token) if claim_token else None,
        claim_expires_at=credential.claim_expires_at if claim_token else None,
        credential=credential.document,
        jwt=credential.jwt,
    )


def summary(credential: Credential, *, base_url: str) -> CredentialSummary:
    """A listing row."""
    return CredentialSummary(
        id=credential.id,
        status=credential.status,
        standard_code=credential.standard.code,
        standard_version=credential.standard.version,
        provider_id=credential.provider_id,
        subject_name=credential.subject_name,
        issued_at=credential.issued_at,
        valid_until=credential.valid_until,
        verify_url=verify_url(base_url, credential.id),
    )
