"""The SD-JWT VC types this service knows: one per harmonized standard (`app.standards.vct`).

A `vct` of ours is `{public_base_url}/vct/{standard_code}`; its Type Metadata is built from
the standard's newest published version, exactly as `/vct/{code}` serves it. Nothing is
fetched: a `vct` of another issuer is simply not known here (the credential's type is then
just a string, and what its holder withheld cannot be named).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from app.standards import service as standards_service
from app.standards.errors import StandardNotFound
from app.standards.vct import build_type_metadata, vct_url


class StandardTypes:
    """Type Metadata of the `vct` URLs of this service's standards (read with `session`)."""

    def __init__(self, session: Session | None, *, base_url: str) -> None:
        self._session = session
        self._base_url = base_url
        self._prefix = vct_url(base_url, "")
        self._found: dict[str, Mapping[str, Any] | None] = {}

    def standard_code_of(self, vct: str) -> str | None:
        """The standard code a `vct` under this service's `/vct/` names (whether or not such
        a standard exists), else None."""
        return vct.removeprefix(self._prefix) if vct.startswith(self._prefix) else None

    def lookup(self, vct: str) -> Mapping[str, Any] | None:
        """The Type Metadata of `vct` when it names one of our standards, else None."""
        code = self.standard_code_of(vct)
        if self._session is None or code is None:
            return None
        if vct not in self._found:
            try:
                standard = standards_service.get_standard(self._session, code=code)
            except StandardNotFound:
                self._found[vct] = None
            else:
                self._found[vct] = build_type_metadata(standard, base_url=self._base_url)
        return self._found[vct]
