"""The issuer's signing keys: encrypted private-key storage, rotation, retirement, publication."""
