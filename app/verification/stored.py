"""This service's issued credentials as verification reads them: by id, never by model.

The adapter (`app.adapters.StoredCredentials`) is built over issuance by the composition
root; verification sees only a credential's id and its stored vc+jwt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from sqlalchemy.orm import Session


class StoredCredential(Protocol):
    """One of this service's credentials: its id and its stored vc+jwt."""

    @property
    def id(self) -> str:
        """The credential's id (a UUID, without `urn:uuid:`)."""
        ...

    @property
    def jwt(self) -> str:
        """The credential secured as a vc+jwt, as issued."""
        ...


class StoredCredentials(Protocol):
    """Where this service's issued credentials are read from."""

    def get(self, session: Session, credential_id: str) -> StoredCredential:
        """The credential `credential_id`; raises a 404 `NotFound` (`credential-not-found`)."""
        ...

    def issuing_countries(
        self, session: Session, credential_ids: Sequence[str]
    ) -> Mapping[str, str | None]:
        """The issuing provider's country of each of these credentials that exists."""
        ...
