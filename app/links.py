"""The public links of this service's documents: shared words of issuance, verification and
the worker's pages, so none of them imports another for a URL."""

from __future__ import annotations


def verify_url(base_url: str, credential_id: str) -> str:
    """The public verification page of a credential (what its QR code points to)."""
    return f"{base_url}/verify/{credential_id}"


def claim_url(base_url: str, token: str) -> str:
    """The worker's single-use claim link."""
    return f"{base_url}/claim/{token}"


def invitation_url(base_url: str, token: str) -> str:
    """A provider user's single-use invitation link to the provider portal."""
    return f"{base_url}/portal/invitations/{token}"


def password_reset_url(base_url: str, token: str) -> str:
    """A provider user's single-use link to choose a new password."""
    return f"{base_url}/portal/password-reset/{token}"
