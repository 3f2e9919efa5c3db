"""Fixtures for the crypto tests: pinned contexts, the W3C vectors, test keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.crypto.contexts import PinnedContexts

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTEXTS_DIR = REPO_ROOT / "credentials" / "contexts"
# The published W3C vectors, copied with their source URLs and digests (see its manifest.json).
VECTORS_DIR = REPO_ROOT / "tests" / "vectors" / "vc-di-eddsa"


@pytest.fixture(scope="session")
def contexts() -> PinnedContexts:
    """The production set of pinned contexts (test-only ones excluded)."""
    return PinnedContexts.load(CONTEXTS_DIR)


@pytest.fixture(scope="session")
def vector_contexts() -> PinnedContexts:
    """Pinned contexts including those needed only by the W3C test vectors."""
    return PinnedContexts.load(CONTEXTS_DIR, include_test_only=True)


@pytest.fixture(scope="session")
def vectors_dir() -> Path:
    """The W3C vc-di-eddsa test vectors."""
    return VECTORS_DIR
