"""Factories for the standards tests."""

from __future__ import annotations

import json
from typing import Any

from app.config import Settings


def seed_document(settings: Settings) -> dict[str, Any]:
    """The first seeded standard's JSON document, as a starting point for a new one."""
    path = sorted(settings.curricula_dir.glob("*.json"))[0]
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document
