"""Imports every domain's models so `Base.metadata` is complete (for Alembic and tests)."""

from __future__ import annotations

from app.audit import models as audit_models
from app.auth import models as auth_models
from app.credentials import models as credentials_models
from app.curricula import models as curricula_models
from app.db import Base
from app.deliveries import models as deliveries_models
from app.issuer import models as issuer_models
from app.keys import models as keys_models
from app.presentations import models as presentations_models
from app.provider_users import models as provider_users_models
from app.providers import models as providers_models
from app.standards import models as standards_models
from app.status import models as status_models
from app.users import models as users_models
from app.verification import models as verification_models
from app.wallet import models as wallet_models

__all__ = [
    "Base",
    "audit_models",
    "auth_models",
    "credentials_models",
    "curricula_models",
    "deliveries_models",
    "issuer_models",
    "keys_models",
    "presentations_models",
    "provider_users_models",
    "providers_models",
    "standards_models",
    "status_models",
    "users_models",
    "verification_models",
    "wallet_models",
]
