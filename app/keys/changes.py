"""Committed changes to signing keys in this process (generated, activated, retired).

Caches of the published keys compare `SIGNING_KEYS.value` with the value they read before
querying (see `app.changes`): a rotation or retirement committed here is seen at once.
"""

from __future__ import annotations

from app.changes import ChangeCounter
from app.keys.models import SigningKey

SIGNING_KEYS = ChangeCounter(SigningKey)
