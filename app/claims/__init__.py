"""The worker's side: claiming a credential, the worker's own page and certificate.

Above issuance and verification: it reads both, neither reads it.
"""
