"""The sources verification reads, built over other domains by the composition root.

Verification depends on issuance only through what is published: the signed status lists
(as stored when they were signed), the published keys and the stored credentials. Each
adapter here turns one domain's read-only service into the small protocol verification
defines, so no module under `app.verification` imports `app.credentials` or `app.status`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.credentials import service as credentials_service
from app.credentials.models import Credential
from app.status import service as status_service
from app.status import token_lists
from app.status.builder import list_url


class PublishedStatusLists:
    """This service's status lists as published (`status_service.published_lists`)."""

    def __init__(self, base_url: str) -> None:
        self._prefix = list_url(base_url, 0)[:-1]

    @property
    def prefix(self) -> str:
        """The URL of this service's lists without their id."""
        return self._prefix

    def read(self, session: Session, list_ids: Collection[int]) -> Mapping[int, Any]:
        """The published credential of each existing list among `list_ids` (None: never)."""
        return status_service.published_lists(session, list_ids=list_ids)

    def read_tokens(self, session: Session, list_ids: Collection[int]) -> Mapping[int, Any]:
        """The Status List Token of each existing token list among `list_ids` (None: never
        signed at its current revision)."""
        return token_lists.published_tokens(session, list_ids=list_ids)


class StoredCredentials:
    """This service's issued credentials, by id (404 `credential-not-found` if none)."""

    def get(self, session: Session, credential_id: str) -> Credential:
        """The stored credential (its `id` and `jwt` are what verification reads)."""
        return credentials_service.get_credential(session, credential_id=credential_id)

    def issuing_countries(
        self, session: Session, credential_ids: Sequence[str]
    ) -> dict[str, str | None]:
        """The issuing provider's country of each credential among `credential_ids`."""
        return credentials_service.issuing_countries(session, credential_ids=credential_ids)
