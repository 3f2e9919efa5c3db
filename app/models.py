"""Imports every domain's models so `Base.metadata` is complete (for Alembic and tests)."""

from __future__ import annotations

from app.db import Base
from app.providers import models as providers_models
from app.users import models as users_models

__all__ = ["Base", "providers_models", "users_models"]
