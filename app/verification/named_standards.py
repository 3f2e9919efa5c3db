"""The registry's standard a verified credential names (its achievement's code and version).

Published and retired standard versions never change, so they are kept per process: a
verification that finds its standard here reads no database (`CacheMiss` without a session).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy.orm import Session

from app.standards import service as standards_service
from app.standards.enums import StandardStatus
from app.standards.errors import StandardNotFound
from app.standards.schemas import StandardRead
from app.verification.caches import CacheMiss
from app.verification.results import CredentialVerification
from app.verification.sd_jwt_view import readable_document

_IMMUTABLE: Final = frozenset({StandardStatus.published.value, StandardStatus.retired.value})
_CACHE_SIZE: Final = 256


def achievement_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The credential's achievement object (empty when absent)."""
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    return achievement if isinstance(achievement, Mapping) else {}


def standard_reference(document: Mapping[str, Any]) -> tuple[str, int] | None:
    """The (standard code, version) the achievement names, if it names one (an Open Badges
    `credentialSubject.achievement.humanCode`, or our SD-JWT VC's `achievement.code`)."""
    achievement = achievement_of(document)
    code, version = achievement.get("humanCode"), achievement.get("version")
    sd_jwt_achievement = document.get("achievement")
    if not achievement and isinstance(sd_jwt_achievement, Mapping):
        code, version = sd_jwt_achievement.get("code"), sd_jwt_achievement.get("version")
    if (
        isinstance(code, str)
        and isinstance(version, str)
        and version.isdigit()
        and len(version) < 6
    ):
        return code, int(version)
    return None


class _Standards:
    """Per-process cache of published standard versions (immutable once published)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, int], StandardRead] = {}
        self._lock = threading.Lock()

    def find(self, session: Session | None, *, code: str, version: int) -> StandardRead | None:
        key = (code, version)
        with self._lock:
            cached = self._items.get(key)
        if cached is not None:
            return cached
        if session is None:
            raise CacheMiss(f"the standard {code} v{version} must be read from the database")
        try:
            row = standards_service.get_standard(session, code=code, version=version)
        except StandardNotFound:
            return None
        standard = standards_service.to_schema(row)
        if row.status in _IMMUTABLE:
            with self._lock:
                if len(self._items) >= _CACHE_SIZE:
                    self._items.clear()
                self._items[key] = standard
        return standard


_standards = _Standards()


def find_standard(session: Session | None, *, code: str, version: int) -> StandardRead | None:
    """The published (or retired) standard version a credential names, if the registry has it.

    Without a session only the cache is read (`CacheMiss` when the standard is not in it).
    """
    return _standards.find(session, code=code, version=version)


def standard_of(session: Session | None, result: CredentialVerification) -> StandardRead | None:
    """The registry's standard a verified credential names (None for unverified input: a
    result has a `document` only when its proof passed)."""
    document = readable_document(result)
    if document is None:
        return None
    reference = standard_reference(document)
    if reference is None:
        return None
    code, version = reference
    return find_standard(session, code=code, version=version)
