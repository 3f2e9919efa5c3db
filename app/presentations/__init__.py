"""Employers ask a worker's wallet for proof: OpenID for Verifiable Presentations 1.0 with DCQL."""
