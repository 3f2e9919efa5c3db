"""Committed re-signatures of status lists in this process.

Every status change bumps its lists' revision and re-signs them in the same transaction
(`publishing.publish_lists`, an ORM update of `signed_credential`); caches of the signed
lists compare `STATUS_LISTS.value` with the value they read before querying (see
`app.changes`), so a revocation or suspension committed here is seen at once.
"""

from __future__ import annotations

from app.changes import ChangeCounter
from app.status.models import StatusList

STATUS_LISTS = ChangeCounter(StatusList, attributes=("signed_credential", "signed_revision"))
