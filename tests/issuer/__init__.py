"""Tests of the issuer's identity: did:web, DID document, JWKS, key rotation."""
