"""The issuer's identity: its did:web, DID document, JWKS and Open Badges profile."""
