"""Verifying credentials for employers: proofs, issuer trust, validity, status, OB 3.0 rules."""
