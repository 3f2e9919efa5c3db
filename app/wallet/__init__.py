"""The wallet world: credentials delivered over OpenID for Verifiable Credential Issuance."""
