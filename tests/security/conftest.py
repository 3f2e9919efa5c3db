"""Fixtures of the hostile-input tests: the verification tests' no-network guard."""

from __future__ import annotations

from tests.verification.conftest import no_network

__all__ = ["no_network"]
