"""Into the worker's wallet: SD-JWT VCs, their type metadata, Token Status Lists, and
delivery over OpenID for Verifiable Credential Issuance."""
